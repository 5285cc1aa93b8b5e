import type Redis from 'ioredis';
import { default as IORedis } from 'ioredis';
import { encodeIssuerEvent, redisKeys } from '@app/contract';
import { FakeIssuer } from '../support/fake-issuer';
import { call } from '../support/http';
import { LocalKey } from '../support/local-jws';
import { createRedisPrefix, TEST_REDIS_URL } from '../support/test-stores';
import { Adapter, GuardApp, startGuardApp } from './support/guard-app';

const AUDIENCE = 'orders-api';
const UNAUTHORIZED_BODY = { statusCode: 401, message: 'Unauthorized' };

/** The guard's HTTP behaviour, identical on Express and Fastify, against a local issuer and the machine's Redis. */
describe.each<Adapter>(['express', 'fastify'])('AuthGuardModule on %s', (adapter) => {
  const rsa = LocalKey.generate('RS256');
  const ec = LocalKey.generate('ES256');
  const ed = LocalKey.generate('EdDSA');
  const stranger = LocalKey.generate('RS256', rsa.kid);
  let issuer: FakeIssuer;
  let app: GuardApp;
  let redis: Redis;
  let keys: ReturnType<typeof redisKeys>;
  let cleanup: () => Promise<void>;

  const base = () => ({ iss: issuer.url, aud: [AUDIENCE, 'billing-api'] });
  const token = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key = rsa) => key.token(base(), claims, header);

  beforeAll(async () => {
    issuer = await FakeIssuer.start(rsa, ec, ed);
    const prefix = await createRedisPrefix();
    cleanup = prefix.cleanup;
    keys = redisKeys(prefix.prefix);
    redis = new IORedis(TEST_REDIS_URL);
    app = await startGuardApp(adapter, { issuer: issuer.url, audience: AUDIENCE, redis: TEST_REDIS_URL, redisPrefix: prefix.prefix });
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
    redis?.disconnect();
    await cleanup?.();
  });

  it('prewarms the keys at start and reports readiness on /health without a token', async () => {
    const health = await call('GET', `${app.url}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', details: { keys: 'loaded', redis: 'up', events: 'subscribed' } });
    expect(issuer.jwksFetches).toBeGreaterThanOrEqual(1);
  });

  it('lets @Public() routes through without a token', async () => {
    expect((await call('GET', `${app.url}/public`)).status).toBe(200);
  });

  it('answers 401 with a bare challenge when no token is sent', async () => {
    const result = await call('GET', `${app.url}/me`);
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}"`);
    expect(result.body).toEqual(UNAUTHORIZED_BODY);
  });

  it.each([
    ['RS256', rsa],
    ['ES256', ec],
    ['EdDSA', ed],
  ])('accepts a valid %s token on /me', async (_alg, key) => {
    const result = await call('GET', `${app.url}/me`, { token: token({ sub: 'alice', roles: ['user'] }, {}, key) });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ sub: 'alice', roles: ['user'] });
  });

  it('refuses bad tokens with 401 invalid_token, the same body every time, and counts each reason', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Record<string, string>, string][] = [
      ['expired', { authorization: `Bearer ${token({ iat: now - 900, exp: now - 60 })}` }, 'ERR_TOKEN_EXPIRED'],
      ['other audience', { authorization: `Bearer ${token({ aud: 'billing-api' })}` }, 'ERR_AUDIENCE_MISMATCH'],
      ['other issuer', { authorization: `Bearer ${token({ iss: 'https://evil.test' })}` }, 'ERR_ISSUER_MISMATCH'],
      ['jku header', { authorization: `Bearer ${token({}, { jku: 'https://evil.test/jwks' })}` }, 'ERR_HEADER_REFUSED'],
      ['typ JWT', { authorization: `Bearer ${token({}, { typ: 'JWT' })}` }, 'ERR_TYP_MISMATCH'],
      ['signed by a stranger under a known kid', { authorization: `Bearer ${stranger.token(base())}` }, 'ERR_SIGNATURE_INVALID'],
      ['alg none', { authorization: `Bearer ${token({}, { alg: 'none' })}` }, 'ERR_ALG_NOT_ALLOWED'],
      ['not a JWT', { authorization: 'Bearer abc.def' }, 'ERR_TOKEN_MALFORMED'],
      ['Bearer without a token', { authorization: 'Bearer ' }, 'ERR_TOKEN_MALFORMED'],
    ];
    for (const [name, headers, code] of cases) {
      const before = app.metrics.snapshot();
      const result = await call('GET', `${app.url}/me`, { headers });
      expect({ name, status: result.status }).toEqual({ name, status: 401 });
      expect(result.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}", error="invalid_token"`);
      expect(result.body).toEqual(UNAUTHORIZED_BODY);
      expect({ name, count: app.metrics.snapshot()[code] ?? 0 }).toEqual({ name, count: (before[code] ?? 0) + 1 });
    }
  });

  it('treats another scheme like no credentials: 401 without an error code (RFC 6750 §3.1)', async () => {
    const result = await call('GET', `${app.url}/me`, { headers: { authorization: 'Basic YWxpY2U6cHc=' } });
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}"`);
  });

  it('never takes a token from the query string', async () => {
    const result = await call('GET', `${app.url}/me?access_token=${token()}`);
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).not.toContain('error=');
  });

  it('@Roles: 403 insufficient_scope without the role, 200 with it', async () => {
    const denied = await call('GET', `${app.url}/admin`, { token: token({ roles: ['user'] }) });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}", error="insufficient_scope"`);
    expect(denied.body).toEqual({ statusCode: 403, message: 'Forbidden' });
    expect((await call('GET', `${app.url}/admin`, { token: token({ roles: ['user', 'admin'] }) })).status).toBe(200);
  });

  it('@Scopes: every listed scope is needed, and the challenge names them', async () => {
    expect((await call('GET', `${app.url}/orders`, { token: token({ scope: 'orders:read' }) })).status).toBe(200);
    const none = await call('GET', `${app.url}/orders`, { token: token({ scope: '' }) });
    expect(none.status).toBe(403);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}", error="insufficient_scope", scope="orders:read"`);
    const partial = await call('GET', `${app.url}/orders/write`, { token: token({ scope: 'orders:read' }) });
    expect(partial.status).toBe(403);
    expect(partial.headers.get('www-authenticate')).toContain('scope="orders:read orders:write"');
    expect((await call('GET', `${app.url}/orders/write`, { token: token({ scope: 'orders:write orders:read' }) })).status).toBe(200);
  });

  it('refuses a token whose jti is on the denylist, on every request', async () => {
    const jti = `deny-${adapter}`;
    const revoked = token({ jti });
    expect((await call('GET', `${app.url}/me`, { token: revoked })).status).toBe(200);
    await redis.setex(keys.deniedJti(jti), 60, '1');
    // As the issuer does: write the store, then tell every guard (whose replica answers without Redis).
    await redis.publish(keys.events, encodeIssuerEvent({ type: 'token-denied', jti }));
    const result = await call('GET', `${app.url}/me`, { token: revoked });
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses tokens issued before the subject cut-off and accepts those issued after', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sub = `cut-${adapter}`;
    await redis.setex(keys.subjectCutoff(sub), 60, String(now - 10));
    await redis.publish(keys.events, encodeIssuerEvent({ type: 'subject-cutoff', sub, at: now - 10 }));
    expect((await call('GET', `${app.url}/me`, { token: token({ sub, iat: now - 20 }) })).status).toBe(401);
    expect((await call('GET', `${app.url}/me`, { token: token({ sub, iat: now - 10 }) })).status).toBe(401);
    expect((await call('GET', `${app.url}/me`, { token: token({ sub, iat: now - 9 }) })).status).toBe(200);
  });
});
