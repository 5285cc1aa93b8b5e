import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { INestApplication } from '@nestjs/common';
import { b64url, call, decodeJwt, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { TokenForge } from '../support/token-forge';
import { startWsProbe } from './support/ws-probe-app';

const AUDIENCE = 'orders-api';

type Outcome = { opened: WebSocket } | { status: number; challenge?: string; cacheControl?: string };

/** Opens a connection; resolves with the open socket or the refused upgrade's status and headers. */
const connect = (url: string, { token, protocols }: { token?: string; protocols?: string[] } = {}): Promise<Outcome> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols ?? [], token ? { headers: { authorization: `Bearer ${token}` } } : {});
    socket.once('open', () => resolve({ opened: socket }));
    socket.once('unexpected-response', (_request, response: IncomingMessage) => {
      resolve({ status: response.statusCode!, challenge: response.headers['www-authenticate'], cacheControl: response.headers['cache-control'] });
      socket.terminate();
    });
    socket.once('error', reject);
  });

const opened = async (outcome: Promise<Outcome>): Promise<WebSocket> => {
  const result = await outcome;
  if (!('opened' in result)) throw new Error(`upgrade refused: ${JSON.stringify(result)}`);
  return result.opened;
};

const closed = (socket: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));

/** A message's text, whichever of ws's three binary shapes it arrived in. */
const textOf = (data: WebSocket.RawData) => (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString();

const ask = (socket: WebSocket, event: string) =>
  new Promise<unknown>((resolve) => {
    socket.once('message', (data) => resolve(JSON.parse(textOf(data))));
    socket.send(JSON.stringify({ event, data: {} }));
  });

/** A WebSocket gateway behind AuthenticatedWsAdapter, against the real issuer on PostgreSQL and Redis. */
describe('WebSocket gateway (@nestjs/platform-ws)', () => {
  let system: TestSystem;
  let app: INestApplication;
  let url: string;
  let forge: TokenForge;

  beforeAll(async () => {
    system = await startTestSystem({}, { services: false });
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
    ({ app, url } = await startWsProbe({ issuer: system.issuerUrl, audience: AUDIENCE, redis: system.redisUrl, redisPrefix: system.redisPrefix }));
  });
  afterAll(async () => {
    await app?.close();
    await system?.stop();
  });

  it('refuses the upgrade with 401 and the challenge: no token, a tampered one, one in the query string', async () => {
    const { access_token: token } = await login(system.issuerUrl, 'alice', 'alice-password');
    const [header, , signature] = token.split('.');
    const tampered = `${header}.${b64url({ ...decodeJwt(token).payload, roles: ['admin'] })}.${signature}`;
    expect(await connect(url)).toEqual({ status: 401, challenge: `Bearer realm="${AUDIENCE}"`, cacheControl: 'no-store' });
    expect(await connect(`${url}?access_token=${token}`)).toEqual({ status: 401, challenge: `Bearer realm="${AUDIENCE}"`, cacheControl: 'no-store' });
    const invalid = { status: 401, challenge: `Bearer realm="${AUDIENCE}", error="invalid_token"`, cacheControl: 'no-store' };
    expect(await connect(url, { token: tampered })).toEqual(invalid);
    expect(await connect(url, { protocols: ['bearer', tampered] })).toEqual(invalid);
  });

  it('accepts a good token in the Authorization header or the bearer subprotocol, and enforces @Roles per message', async () => {
    const { access_token: token } = await login(system.issuerUrl, 'alice', 'alice-password');
    const sub = decodeJwt(token).payload.sub;
    const byHeader = await opened(connect(url, { token }));
    expect(await ask(byHeader, 'whoami')).toEqual({ event: 'whoami', data: { sub } });
    expect(await ask(byHeader, 'admin')).toMatchObject({ event: 'exception', data: { code: 'PERMISSION_DENIED', error: 'insufficient_scope' } });
    byHeader.close();
    const byProtocol = await opened(connect(url, { protocols: ['bearer', token] }));
    // The server picks `bearer`, never echoing the token back.
    expect(byProtocol.protocol).toBe('bearer');
    expect(await ask(byProtocol, 'whoami')).toEqual({ event: 'whoami', data: { sub } });
    byProtocol.close();
  });

  it('closes an open connection with 1008 when its session is logged out (pushed), and refuses that token afterwards', async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const socket = await opened(connect(url, { token: session.access_token }));
    const closing = closed(socket);
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token })).status).toBe(204);
    expect(await closing).toEqual({ code: 1008, reason: 'token revoked' });
    expect(await connect(url, { token: session.access_token })).toMatchObject({ status: 401 });
  });

  it('closes an open connection with 1008 when its token expires', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = forge.sign(system.issuerUrl, { aud: AUDIENCE, iat: now, exp: now + 2 });
    const socket = await opened(connect(url, { token }));
    expect(await closed(socket)).toEqual({ code: 1008, reason: 'token expired' });
  });
});
