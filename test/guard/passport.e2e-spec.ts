import { AccessTokenStrategy } from '@app/auth-guard';
import { b64url, call, decodeJwt, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { TokenForge } from '../support/token-forge';
import { FakeIssuer } from '../support/fake-issuer';
import { LocalKey } from '../support/local-jws';
import type { Adapter } from './support/guard-app';
import { PassportApp, startPassportApp } from './support/passport-app';

const AUDIENCE = 'orders-api';
const INVALID = `Bearer realm="${AUDIENCE}", error="invalid_token"`;

/**
 * A service that only writes @UseGuards(AuthGuard('jwt')) with our strategy registered, against the real
 * issuer on real PostgreSQL and Redis: it answers exactly as the native guard does.
 */
describe.each<Adapter>(['fastify', 'express'])("Passport AuthGuard('jwt') on %s", (adapter) => {
  let system: TestSystem;
  let app: PassportApp;
  let forge: TokenForge;

  beforeAll(async () => {
    system = await startTestSystem({}, { services: false });
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
    app = await startPassportApp(adapter, { issuer: system.issuerUrl, audience: AUDIENCE, redis: system.redisUrl, redisPrefix: system.redisPrefix });
  });
  afterAll(async () => {
    await app?.close();
    await system?.stop();
  });

  const expectRefused = async (path: string, token: string | undefined, challenge = INVALID) => {
    const result = await call('GET', `${app.url}${path}`, { token });
    expect({ path, status: result.status, challenge: result.headers.get('www-authenticate') }).toEqual({ path, status: 401, challenge });
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(result.body).toEqual({ statusCode: 401, message: 'Unauthorized' });
  };

  it('accepts an issued token and hands the verified claims to the route', async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    for (const path of ['/stock/me', '/ours/me']) {
      const result = await call('GET', `${app.url}${path}`, { token: session.access_token });
      expect({ path, status: result.status }).toEqual({ path, status: 200 });
      expect(result.body.sub).toBe(decodeJwt(session.access_token).payload.sub);
    }
    expect(app.metrics.snapshot().accepted).toBeGreaterThanOrEqual(2);
  });

  it('answers a missing token with the bare challenge, as the native guard', async () => {
    await expectRefused('/stock/me', undefined, `Bearer realm="${AUDIENCE}"`);
    await expectRefused('/stock/me', undefined, `Bearer realm="${AUDIENCE}"`);
    expect((await call('GET', `${app.url}/ours/public`)).status).toBe(200);
  });

  it('refuses after logout and after log-out-everywhere', async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    expect((await call('GET', `${app.url}/stock/me`, { token: session.access_token })).status).toBe(200);
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token })).status).toBe(204);
    await expectRefused('/stock/me', session.access_token);

    const first = await login(system.issuerUrl, 'admin', 'admin-password');
    const second = await login(system.issuerUrl, 'admin', 'admin-password');
    expect((await call('GET', `${app.url}/ours/admin`, { token: second.access_token })).status).toBe(200);
    expect((await call('POST', `${system.issuerUrl}/auth/logout-all`, { token: first.access_token })).status).toBe(204);
    for (const token of [first.access_token, second.access_token]) {
      await expectRefused('/stock/me', token);
      await expectRefused('/ours/admin', token);
    }
  });

  it('refuses tampered, alg none, foreign-audience, expired and wrong-typ tokens with the same challenge', async () => {
    const { access_token: valid } = await login(system.issuerUrl, 'alice', 'alice-password');
    const [header, payload, signature] = valid.split('.');
    const claims = decodeJwt(valid).payload;
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string, string][] = [
      ['tampered payload', `${header}.${b64url({ ...claims, roles: ['admin'] })}.${signature}`, 'ERR_SIGNATURE_INVALID'],
      ['alg none', `${b64url({ ...decodeJwt(valid).header, alg: 'none' })}.${payload}.${signature}`, 'ERR_ALG_NOT_ALLOWED'],
      ['other audience', forge.sign(system.issuerUrl, { aud: 'billing-api' }), 'ERR_AUDIENCE_MISMATCH'],
      ['expired', forge.sign(system.issuerUrl, { iat: now - 900, exp: now - 60 }), 'ERR_TOKEN_EXPIRED'],
      ['typ JWT', forge.sign(system.issuerUrl, {}, { typ: 'JWT' }), 'ERR_TYP_MISMATCH'],
      ['jku header', forge.sign(system.issuerUrl, {}, { jku: 'https://evil.test/jwks' }), 'ERR_HEADER_REFUSED'],
      ['other issuer', forge.sign('https://evil.test'), 'ERR_ISSUER_MISMATCH'],
    ];
    for (const [name, token, code] of cases) {
      const before = app.metrics.snapshot()[code] ?? 0;
      await expectRefused('/stock/me', token);
      expect({ name, count: app.metrics.snapshot()[code] }).toEqual({ name, count: before + 1 });
    }
    await expectRefused('/stock/me', 'abc.def');
  });

  it("403 insufficient_scope for a missing role or scope, with the native guard's headers and body", async () => {
    const { access_token: user } = await login(system.issuerUrl, 'alice', 'alice-password');
    for (const path of ['/stock/admin', '/ours/admin']) {
      const denied = await call('GET', `${app.url}${path}`, { token: user });
      expect({ path, status: denied.status }).toEqual({ path, status: 403 });
      expect(denied.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}", error="insufficient_scope"`);
      expect(denied.body).toEqual({ statusCode: 403, message: 'Forbidden' });
    }
    const scoped = await call('GET', `${app.url}/ours/orders`, { token: user });
    expect(scoped.status).toBe(403);
    expect(scoped.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}", error="insufficient_scope", scope="orders:write"`);
    const { access_token: admin } = await login(system.issuerUrl, 'admin', 'admin-password');
    expect((await call('GET', `${app.url}/stock/admin`, { token: admin })).status).toBe(200);
  });

  it('names at start-up the algorithms passport-jwt cannot verify (EdDSA goes through our verifier alone)', () => {
    expect(app.app.get(AccessTokenStrategy).verifierOnlyAlgorithms).toEqual(['EdDSA']);
  });
});

/** jsonwebtoken has no EdDSA: those tokens are verified by our verifier alone, never accepted unchecked. */
describe('Passport strategy with an EdDSA key', () => {
  const ed = LocalKey.generate('EdDSA');
  const rsa = LocalKey.generate('RS256');
  let issuer: FakeIssuer;
  let app: PassportApp;
  const base = () => ({ iss: issuer.url, aud: AUDIENCE });

  beforeAll(async () => {
    issuer = await FakeIssuer.start(ed, rsa);
    app = await startPassportApp('fastify', { issuer: issuer.url, audience: AUDIENCE });
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
  });

  it('accepts valid EdDSA and RS256 tokens and refuses forged or expired EdDSA ones', async () => {
    expect((await call('GET', `${app.url}/stock/me`, { token: ed.token(base()) })).status).toBe(200);
    expect((await call('GET', `${app.url}/stock/me`, { token: rsa.token(base()) })).status).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    const stranger = LocalKey.generate('EdDSA', ed.kid);
    for (const token of [stranger.token(base()), ed.token(base(), { iat: now - 900, exp: now - 60 }), ed.token(base(), {}, { alg: 'RS256' })]) {
      const result = await call('GET', `${app.url}/stock/me`, { token });
      expect(result.status).toBe(401);
      expect(result.headers.get('www-authenticate')).toBe(INVALID);
    }
  });
});
