import { NatsContext } from '@nestjs/microservices';
import { extractBearerToken } from '../http/bearer-token.extractor';
import { isBearerEnvelope } from './bearer-envelope';

type Header = string | string[] | undefined;

/** @grpc/grpc-js Metadata, recognised by shape so the library does not load gRPC for other transports. */
interface GrpcMetadataLike {
  get(key: string): unknown[];
  getMap(): unknown;
}
const isGrpcMetadata = (value: unknown): value is GrpcMetadataLike =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as GrpcMetadataLike).get === 'function' &&
  typeof (value as GrpcMetadataLike).getMap === 'function';

/** NATS MsgHdrs: `values` lists every occurrence of a header. */
interface NatsHeadersLike {
  values(key: string): string[];
}

/**
 * The Authorization value of an RPC message: gRPC metadata `authorization`, NATS header `authorization`,
 * otherwise (TCP, Redis) the bearer envelope of the payload, which is unwrapped in `args` in place.
 * A repeated header is ambiguous and reads as malformed, as over HTTP.
 */
function authorizationOf(args: unknown[]): Header {
  const [data, context] = args;
  if (isBearerEnvelope(data)) {
    args[0] = data.data;
    return typeof data.authorization === 'string' ? data.authorization : [];
  }
  if (isGrpcMetadata(context)) return single(context.get('authorization'));
  if (context instanceof NatsContext) {
    const headers = context.getHeaders() as NatsHeadersLike | undefined;
    return single(headers?.values('authorization') ?? []);
  }
  return undefined;
}

const single = (values: unknown[]): Header => {
  if (values.length === 0) return undefined;
  if (values.length > 1 || typeof values[0] !== 'string') return [];
  return values[0];
};

/** Undefined: no Bearer credentials; null: credentials sent but malformed (same reading as over HTTP). */
export function extractRpcToken(args: unknown[]): string | undefined | null {
  return extractBearerToken({ authorization: authorizationOf(args) });
}
