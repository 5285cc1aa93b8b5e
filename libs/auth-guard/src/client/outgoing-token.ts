import { ClientNats, ClientProxy, NatsRecord, NatsRecordBuilder } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import { BearerEnvelope, bearerEnvelope } from '../rpc/bearer-envelope';

/**
 * Whose token an outgoing message carries: the caller's (a string: forward what you were called with) or the
 * service's own (a ClientCredentialsTokenProvider, or anything with getToken(), cached and refreshed by it).
 */
export type TokenSource = string | { getToken(): Promise<string> };

const tokenOf = (source: TokenSource): Promise<string> => (typeof source === 'string' ? Promise.resolve(source) : source.getToken());

/** TCP and Redis: the payload wrapped in the bearer envelope the guard unwraps. */
export async function withBearer<T>(source: TokenSource, data: T): Promise<BearerEnvelope<T>> {
  return bearerEnvelope(await tokenOf(source), data);
}

/** NATS: the payload as a NatsRecord whose `authorization` header holds the token. */
export async function natsBearerRecord<T>(source: TokenSource, data: T): Promise<NatsRecord> {
  // Loaded here, not at import: only NATS users have the nats package.
  const { headers } = require('nats') as { headers: () => { set(k: string, v: string): void } };
  const natsHeaders = headers();
  natsHeaders.set('authorization', `Bearer ${await tokenOf(source)}`);
  return new NatsRecordBuilder(data).setHeaders(natsHeaders).build();
}

/** gRPC: metadata (new, or the one given) with `authorization` set, for a stub call's second argument. */
export async function grpcBearerMetadata<M extends { set(k: string, v: string): void }>(source: TokenSource, metadata?: M): Promise<M> {
  const target = metadata ?? new (require('@grpc/grpc-js') as { Metadata: new () => M }).Metadata();
  target.set('authorization', `Bearer ${await tokenOf(source)}`);
  return target;
}

/** The one form the client's transport carries (NATS header, otherwise the envelope), for ClientProxy.send and .emit. */
export async function bearerMessage<T>(client: ClientProxy, source: TokenSource, data: T): Promise<NatsRecord | BearerEnvelope<T>> {
  return client instanceof ClientNats ? natsBearerRecord(source, data) : withBearer(source, data);
}

/** `client.send(pattern, data)` with the token attached. */
export async function sendWithToken<R, T = unknown>(client: ClientProxy, pattern: unknown, data: T, source: TokenSource): Promise<Observable<R>> {
  return client.send<R>(pattern, await bearerMessage(client, source, data));
}

/** `client.emit(pattern, data)` with the token attached. */
export async function emitWithToken<T>(client: ClientProxy, pattern: unknown, data: T, source: TokenSource): Promise<Observable<unknown>> {
  return client.emit(pattern, await bearerMessage(client, source, data));
}
