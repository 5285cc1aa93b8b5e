import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { createTokenVerifier, expressAccessToken, fastifyAccessToken, TokenVerifier, VerificationError, verifyAccessToken } from '@app/auth-guard/node';
import { b64url, call, decodeJwt, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { TokenForge } from '../support/token-forge';

const AUDIENCE = 'orders-api';
const INVALID = `Bearer realm="${AUDIENCE}", error="invalid_token"`;

type Server = { url: string; close(): Promise<void> };

async function expressServer(verifier: TokenVerifier): Promise<Server> {
  const app = express();
  app.get('/me', expressAccessToken(verifier), (req, res) => void res.json({ sub: (req as unknown as { user: { sub: string } }).user.sub }));
  app.get('/admin', expressAccessToken(verifier, { roles: ['admin'] }), (_req, res) => void res.json({ admin: true }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function fastifyServer(verifier: TokenVerifier): Promise<Server> {
  const app = Fastify();
  app.get('/me', { onRequest: fastifyAccessToken(verifier) }, async (request) => ({ sub: (request as unknown as { user: { sub: string } }).user.sub }));
  app.get('/admin', { onRequest: fastifyAccessToken(verifier, { roles: ['admin'] }) }, async () => ({ admin: true }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

/** The guard without Nest: a plain Express app and a plain Fastify app, against the real issuer, PostgreSQL and Redis. */
describe.each([
  ['express', expressServer],
  ['fastify', fastifyServer],
] as const)('@app/auth-guard/node on plain %s', (_name, start) => {
  let system: TestSystem;
  let verifier: TokenVerifier;
  let server: Server;
  let forge: TokenForge;

  beforeAll(async () => {
    system = await startTestSystem({}, { services: false });
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
    verifier = createTokenVerifier({ issuer: system.issuerUrl, audience: AUDIENCE, redis: system.redisUrl, redisPrefix: system.redisPrefix });
    server = await start(verifier);
  });
  afterAll(async () => {
    await server?.close();
    await verifier?.close();
    await system?.stop();
  });

  const refused = async (token: string | undefined, challenge = INVALID) => {
    const result = await call('GET', `${server.url}/me`, { token });
    expect({ status: result.status, challenge: result.headers.get('www-authenticate') }).toEqual({ status: 401, challenge });
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(result.body).toEqual({ statusCode: 401, message: 'Unauthorized' });
  };

  it('accepts an issued token, refuses it after logout, and answers a missing token with the bare challenge', async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const ok = await call('GET', `${server.url}/me`, { token: session.access_token });
    expect(ok.status).toBe(200);
    expect(ok.body.sub).toBe(decodeJwt(session.access_token).payload.sub);
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token })).status).toBe(204);
    await refused(session.access_token);
    await refused(undefined, `Bearer realm="${AUDIENCE}"`);
  });

  it('refuses tampered, alg none, foreign-audience and expired tokens with the native challenge', async () => {
    const { access_token: valid } = await login(system.issuerUrl, 'alice', 'alice-password');
    const [header, payload, signature] = valid.split('.');
    const now = Math.floor(Date.now() / 1000);
    for (const token of [
      `${header}.${b64url({ ...decodeJwt(valid).payload, roles: ['admin'] })}.${signature}`,
      `${b64url({ ...decodeJwt(valid).header, alg: 'none' })}.${payload}.${signature}`,
      forge.sign(system.issuerUrl, { aud: 'billing-api' }),
      forge.sign(system.issuerUrl, { iat: now - 900, exp: now - 60 }),
    ])
      await refused(token);
  });

  it('403 insufficient_scope without the role, 200 with it', async () => {
    const { access_token: user } = await login(system.issuerUrl, 'alice', 'alice-password');
    const denied = await call('GET', `${server.url}/admin`, { token: user });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}", error="insufficient_scope"`);
    expect(denied.body).toEqual({ statusCode: 403, message: 'Forbidden' });
    const { access_token: admin } = await login(system.issuerUrl, 'admin', 'admin-password');
    expect((await call('GET', `${server.url}/admin`, { token: admin })).status).toBe(200);
  });

  it('verifyAccessToken: claims for a valid token, a coded VerificationError otherwise', async () => {
    const options = { issuer: system.issuerUrl, audience: AUDIENCE, keyEvents: false };
    const { access_token: token } = await login(system.issuerUrl, 'alice', 'alice-password');
    expect((await verifyAccessToken(token, options)).sub).toBe(decodeJwt(token).payload.sub);
    const wrong = verifyAccessToken(forge.sign(system.issuerUrl, { aud: 'billing-api' }), options);
    await expect(wrong).rejects.toBeInstanceOf(VerificationError);
    await expect(wrong).rejects.toMatchObject({ code: 'ERR_AUDIENCE_MISMATCH' });
    expect(() => createTokenVerifier({ issuer: 'not a url', audience: AUDIENCE })).toThrow(/issuer/);
  });
});
