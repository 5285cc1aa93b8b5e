import { createPublicKey } from 'node:crypto';
import { b64url, call, decodeJwt, login } from './support/http';
import { startTestSystem, TestSystem } from './support/test-system';
import { TokenForge } from './support/token-forge';

/** Steps 1-4 of the foundation: login, JWKS, one token at both services, and refusals per RFC 6750. */
describe('login → RS256 token → JWKS → guarded services', () => {
  let system: TestSystem;
  let forge: TokenForge;

  beforeAll(async () => {
    system = await startTestSystem();
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
  });
  afterAll(() => system?.stop());

  const services = () => [system.ordersUrl, system.billingUrl];

  it('login returns the RFC 6749 token response with an RS256 at+jwt access token', async () => {
    const response = await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'alice', password: 'alice-password' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(response.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { header, payload } = decodeJwt(response.body.access_token);
    expect(header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
    expect(payload).toMatchObject({ iss: system.issuerUrl, roles: ['user'], scope: '' });
    expect(payload.aud).toEqual(expect.arrayContaining(['orders-api', 'billing-api']));
    expect(payload.exp - payload.iat).toBe(900);
    expect(typeof payload.jti).toBe('string');
    expect(typeof payload.sub).toBe('string');
  });

  it('JWKS publishes the signing kid with public parameters only, and discovery points at it', async () => {
    const { access_token } = await login(system.issuerUrl, 'alice', 'alice-password');
    const jwks = await call('GET', `${system.issuerUrl}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const key = jwks.body.keys.find((k: { kid: string }) => k.kid === decodeJwt(access_token).header.kid);
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(secret);
    expect(createPublicKey({ key, format: 'jwk' }).asymmetricKeyDetails?.modulusLength).toBeGreaterThanOrEqual(2048);
    const discovery = await call('GET', `${system.issuerUrl}/.well-known/openid-configuration`);
    expect(discovery.body.issuer).toBe(system.issuerUrl);
    expect(discovery.body.jwks_uri).toBe(`${system.issuerUrl}/.well-known/jwks.json`);
  });

  it('one login serves both services; /admin/ping is 403 for alice and 200 for admin', async () => {
    const alice = await login(system.issuerUrl, 'alice', 'alice-password');
    const admin = await login(system.issuerUrl, 'admin', 'admin-password');
    for (const service of services()) {
      const me = await call('GET', `${service}/me`, { token: alice.access_token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ sub: decodeJwt(alice.access_token).payload.sub, roles: ['user'] });
      const denied = await call('GET', `${service}/admin/ping`, { token: alice.access_token });
      expect(denied.status).toBe(403);
      expect(denied.headers.get('www-authenticate')).toMatch(/^Bearer .*error="insufficient_scope"/);
      expect(denied.headers.get('cache-control')).toBe('no-store');
      expect((await call('GET', `${service}/admin/ping`, { token: admin.access_token })).status).toBe(200);
    }
  });

  it('refuses missing, tampered, foreign, expired and alg:none tokens with 401 and no detail', async () => {
    const { access_token } = await login(system.issuerUrl, 'alice', 'alice-password');
    const [h, p, s] = access_token.split('.');
    const claims = decodeJwt(access_token).payload;
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string][] = [
      ['tampered payload', `${h}.${b64url({ ...claims, roles: ['admin'] })}.${s}`],
      ['alg none', `${b64url({ alg: 'none', typ: 'at+jwt', kid: forge.kid })}.${p}.`],
      ['alg NoNe with signature', `${b64url({ alg: 'NoNe', typ: 'at+jwt', kid: forge.kid })}.${p}.${s}`],
      ['other issuer', forge.sign('http://evil.example')],
      ['other audience', forge.sign(system.issuerUrl, { aud: 'payments-api' })],
      ['expired', forge.sign(system.issuerUrl, { iat: now - 1000, exp: now - 600 })],
      ['no typ', forge.sign(system.issuerUrl, {}, { typ: undefined })],
      ['truncated signature', access_token.slice(0, -10)],
    ];
    for (const service of services()) {
      const none = await call('GET', `${service}/me`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(none.headers.get('www-authenticate')).not.toContain('error=');
      for (const [name, token] of cases) {
        const result = await call('GET', `${service}/me`, { token });
        expect({ name, status: result.status }).toEqual({ name, status: 401 });
        expect(result.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
        expect(result.body).toEqual({ statusCode: 401, message: 'Unauthorized' });
      }
    }
  });

  it('a forged token with valid signature and claims is accepted, so the refusals above are specific', async () => {
    const result = await call('GET', `${system.ordersUrl}/me`, { token: forge.sign(system.issuerUrl) });
    expect(result.status).toBe(200);
  });

  it('wrong password and unknown user give the same 401 body', async () => {
    const wrong = await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'alice', password: 'nope-nope' } });
    const unknown = await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'mallory', password: 'nope-nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toBe(unknown.text);
    expect(wrong.body.access_token).toBeUndefined();
  });

  it('refresh rotates and spends the old token; logout denies the access token at both services', async () => {
    const first = await login(system.issuerUrl, 'alice', 'alice-password');
    const refreshed = await call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token: first.refresh_token } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
    const replay = await call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token: first.refresh_token } });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');

    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const logout = await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token, json: { refresh_token: session.refresh_token } });
    expect(logout.status).toBe(204);
    for (const service of services()) {
      const after = await call('GET', `${service}/me`, { token: session.access_token });
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    const afterLogout = await call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token: session.refresh_token } });
    expect(afterLogout.status).toBe(400);
  });

  it('health answers 200 on every app', async () => {
    for (const base of [system.issuerUrl, ...services()]) {
      expect((await call('GET', `${base}/health`)).status).toBe(200);
    }
  });
});
