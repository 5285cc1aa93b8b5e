import { randomBytes } from 'node:crypto';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { grpcBearerMetadata, sendWithToken, emitWithToken } from '@app/auth-guard';
import { b64url, call, decodeJwt, login } from '../support/http';
import { freePort } from '../support/free-port';
import { startTestSystem, TestSystem } from '../support/test-system';
import { PROTO_PATH, RpcProbe, startRpcProbe } from './support/rpc-probe-app';

const AUDIENCE = 'orders-api';
const UNAUTHENTICATED = { code: 'UNAUTHENTICATED', status: 16, message: 'Unauthorized' };
const INVALID_TOKEN = { ...UNAUTHENTICATED, error: 'invalid_token' };
const PERMISSION_DENIED = { code: 'PERMISSION_DENIED', status: 7, error: 'insufficient_scope', message: 'Forbidden' };

const tampered = (token: string) => {
  const [header, , signature] = token.split('.');
  return `${header}.${b64url({ ...decodeJwt(token).payload, roles: ['admin'] })}.${signature}`;
};

/** The global guard on @MessagePattern/@EventPattern handlers over real TCP, Redis and NATS, against the real issuer. */
describe.each(['tcp', 'redis', 'nats'] as const)('guard over %s', (transport) => {
  let system: TestSystem;
  let probe: RpcProbe;
  let client: ClientProxy;
  const ns = `guard-${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    system = await startTestSystem({}, { services: false });
    const port = await freePort();
    probe = await startRpcProbe(transport, ns, port, { issuer: system.issuerUrl, audience: AUDIENCE, redis: system.redisUrl, redisPrefix: system.redisPrefix });
    client = ClientProxyFactory.create(
      transport === 'tcp'
        ? { transport: Transport.TCP, options: { host: '127.0.0.1', port } }
        : transport === 'redis'
          ? { transport: Transport.REDIS, options: { host: '127.0.0.1', port: 6379 } }
          : { transport: Transport.NATS, options: { servers: ['nats://127.0.0.1:4222'] } },
    );
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await probe?.app.close();
    await system?.stop();
  });

  const send = async (pattern: string, data: unknown, token?: string) =>
    lastValueFrom(token === undefined ? client.send(`${ns}.${pattern}`, data) : await sendWithToken(client, `${ns}.${pattern}`, data, token));
  const refusal = (pattern: string, data: unknown, token?: string) =>
    send(pattern, data, token).then(
      () => 'accepted',
      (error: unknown) => error,
    );

  it('accepts an issued token, hands the handler the bare payload and the caller, and refuses it after logout', async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const sub = decodeJwt(session.access_token).payload.sub;
    expect(await send('whoami', { n: 1 }, session.access_token)).toEqual({ sub, data: { n: 1 } });
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token })).status).toBe(204);
    expect(await refusal('whoami', { n: 2 }, session.access_token)).toEqual(INVALID_TOKEN);
  });

  it('UNAUTHENTICATED without a token (no error code), with a tampered one and with a malformed envelope', async () => {
    const { access_token: token } = await login(system.issuerUrl, 'alice', 'alice-password');
    expect(await refusal('whoami', { n: 1 })).toEqual(UNAUTHENTICATED);
    expect(await refusal('whoami', { n: 1 }, tampered(token))).toEqual(INVALID_TOKEN);
    expect(await refusal('whoami', { n: 1 }, `${token} extra`)).toEqual(INVALID_TOKEN);
    expect(await send('ping', { n: 3 })).toEqual({ pong: { n: 3 } });
  });

  it('PERMISSION_DENIED without the role; the admin passes', async () => {
    const { access_token: user } = await login(system.issuerUrl, 'alice', 'alice-password');
    expect(await refusal('admin', {}, user)).toEqual(PERMISSION_DENIED);
    const { access_token: admin } = await login(system.issuerUrl, 'admin', 'admin-password');
    expect(await send('admin', {}, admin)).toEqual({ sub: decodeJwt(admin).payload.sub, admin: true });
  });

  it('runs an @EventPattern handler only for an accepted token', async () => {
    const { access_token: token } = await login(system.issuerUrl, 'alice', 'alice-password');
    const handled = probe.nextEvent();
    // Sent in order on one connection: the refused events would be handled before the accepted one.
    await lastValueFrom(client.emit(`${ns}.note`, { n: 'no token' }), { defaultValue: undefined });
    await lastValueFrom(await emitWithToken(client, `${ns}.note`, { n: 'tampered' }, tampered(token)), { defaultValue: undefined });
    await lastValueFrom(await emitWithToken(client, `${ns}.note`, { n: 'accepted' }, token), { defaultValue: undefined });
    await handled;
    expect(probe.events).toEqual([{ sub: decodeJwt(token).payload.sub, data: { n: 'accepted' } }]);
  });
});

/** A unary method of the probe's generated client (loaded from the .proto at run time, so untyped). */
type UnaryCall = (
  request: { text: string },
  metadata: grpc.Metadata,
  callback: (error: grpc.ServiceError | null, reply: unknown) => void,
) => grpc.ClientUnaryCall;

/** gRPC: the token in metadata `authorization`; refusals are call statuses 16 and 7. */
describe('guard over gRPC', () => {
  let system: TestSystem;
  let probe: RpcProbe;
  let stub: grpc.Client & Record<'WhoAmI' | 'Admin', UnaryCall>;

  beforeAll(async () => {
    system = await startTestSystem({}, { services: false });
    const port = await freePort();
    probe = await startRpcProbe('grpc', 'grpc', port, {
      issuer: system.issuerUrl,
      audience: AUDIENCE,
      redis: system.redisUrl,
      redisPrefix: system.redisPrefix,
    });
    const definition = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO_PATH)) as any;
    stub = new definition.probe.Probe(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    stub?.close();
    await probe?.app.close();
    await system?.stop();
  });

  const invoke = (method: 'WhoAmI' | 'Admin', metadata: grpc.Metadata) =>
    new Promise<{ code: number; details?: string; reply?: unknown }>((resolve) =>
      stub[method]({ text: 'hi' }, metadata, (error: grpc.ServiceError | null, reply: unknown) =>
        resolve(error ? { code: error.code, details: error.details } : { code: 0, reply }),
      ),
    );

  it('accepts, then refuses after logout, without a token and with a tampered one (UNAUTHENTICATED)', async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    expect(await invoke('WhoAmI', await grpcBearerMetadata(session.access_token))).toEqual({
      code: 0,
      reply: { sub: decodeJwt(session.access_token).payload.sub, text: 'hi' },
    });
    expect(await invoke('WhoAmI', new grpc.Metadata())).toEqual({ code: grpc.status.UNAUTHENTICATED, details: 'UNAUTHENTICATED' });
    expect(await invoke('WhoAmI', await grpcBearerMetadata(tampered(session.access_token)))).toEqual({
      code: grpc.status.UNAUTHENTICATED,
      details: 'invalid_token',
    });
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token })).status).toBe(204);
    expect(await invoke('WhoAmI', await grpcBearerMetadata(session.access_token))).toEqual({ code: grpc.status.UNAUTHENTICATED, details: 'invalid_token' });
  });

  it('PERMISSION_DENIED without the role; the admin passes', async () => {
    const { access_token: user } = await login(system.issuerUrl, 'alice', 'alice-password');
    expect(await invoke('Admin', await grpcBearerMetadata(user))).toEqual({ code: grpc.status.PERMISSION_DENIED, details: 'insufficient_scope' });
    const { access_token: admin } = await login(system.issuerUrl, 'admin', 'admin-password');
    expect(await invoke('Admin', await grpcBearerMetadata(admin))).toEqual({ code: 0, reply: { sub: 'admin', text: 'hi' } });
  });
});
