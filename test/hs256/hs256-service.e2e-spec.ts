import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { redisKeys, REVOCATION_TTL_MARGIN_SECONDS } from '@app/contract';
import { startHs256Example, RunningHs256Example } from '../../apps/hs256-example/src/hs256-example.bootstrap';
import { b64url, call, decodeJwt } from '../support/http';
import { createRedisPrefix, TEST_REDIS_URL } from '../support/test-stores';

const AUDIENCE = 'hs256-example';
const INVALID = `Bearer realm="${AUDIENCE}", error="invalid_token"`;
const secret = () => randomBytes(32);
const entry = (kid: string, bytes: Buffer) => `${kid}:${bytes.toString('base64url')}`;

/** A token signed outside the service with any header: what an attacker holding (or guessing) a key could send. */
function hmacToken(header: Record<string, unknown>, payload: Record<string, unknown>, key: Buffer, hash = 'sha256'): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
}

/**
 * A service that signs and verifies its own HS256 tokens, over real HTTP with real Redis: the guard library's
 * answers (401/403 challenges), logout through the denylist, and secret rotation by kid.
 */
describe('HS256 single-service mode (apps/hs256-example)', () => {
  const kid0 = secret();
  const kid1 = secret();
  let redis: { prefix: string; cleanup(): Promise<void> };
  let app: RunningHs256Example;
  const start = (secrets: string) =>
    startHs256Example({
      PORT: '0',
      HS256_SECRETS: secrets,
      ISSUER_URL: 'http://hs256.test',
      AUDIENCE,
      ACCESS_TOKEN_TTL: '300',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redis.prefix,
      NODE_ENV: 'test',
    });

  beforeAll(async () => {
    redis = await createRedisPrefix();
    app = await start(entry('kid0', kid0));
  });
  afterAll(async () => {
    await app?.close();
    await redis?.cleanup();
  });

  const expectRefused = async (path: string, token: string, running = app) => {
    const result = await call('GET', `${running.url}${path}`, { token });
    expect({ path, status: result.status, challenge: result.headers.get('www-authenticate') }).toEqual({ path, status: 401, challenge: INVALID });
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(result.body).toEqual({ statusCode: 401, message: 'Unauthorized' });
  };

  it('signs an HS256 at+jwt under the current kid and accepts it; no token gets the bare challenge', async () => {
    const token = app.tokens.sign({ sub: 'alice', roles: ['user'] });
    expect(decodeJwt(token).header).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: 'kid0' });
    expect(decodeJwt(token).payload).toMatchObject({ iss: 'http://hs256.test', aud: AUDIENCE, sub: 'alice' });
    const result = await call('GET', `${app.url}/me`, { token });
    expect({ status: result.status, body: result.body }).toEqual({ status: 200, body: { sub: 'alice', roles: ['user'] } });
    const bare = await call('GET', `${app.url}/me`);
    expect({ status: bare.status, challenge: bare.headers.get('www-authenticate') }).toEqual({ status: 401, challenge: `Bearer realm="${AUDIENCE}"` });
    expect((await call('GET', `${app.url}/health`)).status).toBe(200);
    expect((await call('GET', `${app.url}/health/live`)).body).toEqual({ status: 'ok' });
  });

  it('answers a missing role or scope with 403 insufficient_scope', async () => {
    const token = app.tokens.sign({ sub: 'bob', roles: ['user'], scope: 'orders:read' });
    const admin = await call('GET', `${app.url}/admin`, { token });
    expect({ status: admin.status, challenge: admin.headers.get('www-authenticate') }).toEqual({
      status: 403,
      challenge: `Bearer realm="${AUDIENCE}", error="insufficient_scope"`,
    });
    const reports = await call('GET', `${app.url}/reports`, { token });
    expect({ status: reports.status, challenge: reports.headers.get('www-authenticate') }).toEqual({
      status: 403,
      challenge: `Bearer realm="${AUDIENCE}", error="insufficient_scope", scope="reports:read"`,
    });
    const allowed = app.tokens.sign({ sub: 'carol', roles: ['admin'], scope: 'reports:read' });
    expect((await call('GET', `${app.url}/admin`, { token: allowed })).status).toBe(200);
    expect((await call('GET', `${app.url}/reports`, { token: allowed })).status).toBe(200);
  });

  it('refuses a token after its logout (jti denylisted in Redis, TTL past exp), and only that token', async () => {
    const token = app.tokens.sign({ sub: 'alice' });
    const other = app.tokens.sign({ sub: 'alice' });
    expect((await call('GET', `${app.url}/me`, { token })).status).toBe(200);
    expect((await call('POST', `${app.url}/logout`, { token })).status).toBe(204);
    await expectRefused('/me', token);
    // The contract's key, kept until exp plus the margin any guard's clock tolerance needs.
    const client = new Redis(TEST_REDIS_URL);
    const ttl = await client.ttl(redisKeys(redis.prefix).deniedJti(decodeJwt(token).payload.jti)).finally(() => client.quit());
    expect(ttl).toBeGreaterThan(300 + REVOCATION_TTL_MARGIN_SECONDS - 10);
    expect(ttl).toBeLessThanOrEqual(300 + REVOCATION_TTL_MARGIN_SECONDS);
    expect((await call('POST', `${app.url}/logout`, { token })).status).toBe(401);
    expect((await call('GET', `${app.url}/me`, { token: other })).status).toBe(200);
  });

  it('refuses other algorithms, unknown kids, tampering and foreign claims with the same 401', async () => {
    const valid = app.tokens.sign({ sub: 'alice', roles: ['user'] });
    const [header, payload, signature] = valid.split('.');
    const claims = decodeJwt(valid).payload;
    const base = { alg: 'HS256', typ: 'at+jwt', kid: 'kid0' };
    const cases: [string, string][] = [
      ['RS256 header over the HMAC', `${b64url({ ...base, alg: 'RS256' })}.${payload}.${signature}`],
      ['alg none, empty signature', `${b64url({ ...base, alg: 'none' })}.${payload}.`],
      ['alg none with a signature', hmacToken({ ...base, alg: 'none' }, claims, kid0)],
      ['HS384 under the right secret', hmacToken({ ...base, alg: 'HS384' }, claims, kid0, 'sha384')],
      ['HS512 under the right secret', hmacToken({ ...base, alg: 'HS512' }, claims, kid0, 'sha512')],
      ['a kid not configured', hmacToken({ ...base, kid: 'kid9' }, claims, kid0)],
      ['the right kid, another secret', hmacToken(base, claims, secret())],
      ['payload tampered (roles)', `${header}.${b64url({ ...claims, roles: ['admin'] })}.${signature}`],
      ['typ JWT', hmacToken({ ...base, typ: 'JWT' }, claims, kid0)],
      ['embedded jwk header', hmacToken({ ...base, jwk: { kty: 'oct', k: kid0.toString('base64url') } }, claims, kid0)],
      ['another audience', hmacToken(base, { ...claims, aud: 'billing-api' }, kid0)],
      ['another issuer', hmacToken(base, { ...claims, iss: 'http://evil.test' }, kid0)],
      ['expired', hmacToken(base, { ...claims, iat: claims.iat - 900, exp: claims.iat - 600 }, kid0)],
      ['no jti', hmacToken(base, { ...claims, jti: undefined }, kid0)],
    ];
    for (const [name, token] of cases) {
      const result = await call('GET', `${app.url}/me`, { token });
      expect({ name, status: result.status, challenge: result.headers.get('www-authenticate') }).toEqual({ name, status: 401, challenge: INVALID });
    }
    // The same secret and header make an acceptable token: the refusals above are the checks, not the forging.
    expect((await call('GET', `${app.url}/me`, { token: hmacToken(base, { ...claims, jti: 'forged-ok' }, kid0) })).status).toBe(200);
  });

  it('rotates: a new current kid signs, the previous kid verifies until removed, then its tokens fail', async () => {
    const old = app.tokens.sign({ sub: 'alice' });
    await app.close();
    app = await start(`${entry('kid1', kid1)},${entry('kid0', kid0)}`);
    const fresh = app.tokens.sign({ sub: 'alice' });
    expect(decodeJwt(fresh).header.kid).toBe('kid1');
    expect((await call('GET', `${app.url}/me`, { token: old })).status).toBe(200);
    expect((await call('GET', `${app.url}/me`, { token: fresh })).status).toBe(200);
    // Revocation survives the restart: it lives in Redis, keyed by jti.
    expect((await call('POST', `${app.url}/logout`, { token: fresh })).status).toBe(204);
    await app.close();
    app = await start(entry('kid1', kid1));
    await expectRefused('/me', old);
    await expectRefused('/me', fresh);
    expect((await call('GET', `${app.url}/me`, { token: app.tokens.sign({ sub: 'alice' }) })).status).toBe(200);
  });
});

describe('HS256 example start-up refuses bad secrets with one line naming HS256_SECRETS', () => {
  const main = join(__dirname, '..', '..', 'dist', 'apps', 'hs256-example', 'src', 'main.js');
  const short = randomBytes(31).toString('base64url');
  const good = randomBytes(32).toString('base64url');
  const cases: [string, string | undefined][] = [
    ['a 31-byte secret', `kid0:${short}`],
    ['a short previous secret', `kid1:${good},kid0:${short}`],
    ['no secret at all', undefined],
    ['no kid', good],
    ['a kid twice', `kid0:${good},kid0:${randomBytes(32).toString('base64url')}`],
    ['one secret under two kids', `kid1:${good},kid0:${good}`],
    ['standard base64 (not base64url)', `kid0:${randomBytes(33).toString('base64')}+/`],
  ];
  it.each(cases)('%s', (_name, value) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      REDIS_URL: TEST_REDIS_URL,
      ...(value === undefined ? {} : { HS256_SECRETS: value }),
    };
    const run = spawnSync(process.execPath, [main], { env, encoding: 'utf8', timeout: 15_000 });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config error: HS256_SECRETS: /);
    // Never the secret itself, in any output.
    for (const piece of [short, good]) expect(run.stderr + run.stdout).not.toContain(piece);
  });
});
