import { call, HttpResult } from '../support/http';
import { basic, createClient } from '../support/oauth-clients';
import { PrivateRedis } from '../support/private-redis';
import { startTestSystem, TestSystem } from '../support/test-system';

/**
 * The failure counters live in Redis; while it is unreachable each issuer falls back to the same limits in
 * its own memory (FailureThrottle's insurance limiter). So an outage is no window for unlimited guessing:
 * past the limit the right password or secret gets 429, as with Redis up. Runs on a private redis-server.
 */
describe('brute-force throttling while Redis is down', () => {
  const limits = {
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
    LOGIN_MAX_FAILURES_PER_IP: '1000',
    CLIENT_AUTH_MAX_FAILURES_PER_CLIENT: '3',
    CLIENT_AUTH_MAX_FAILURES_PER_IP: '1000',
  };
  let redis: PrivateRedis;
  let system: TestSystem;
  let client: { id: string; secret: string };
  let bystander: { id: string; secret: string };

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    system = await startTestSystem({ ...limits, REDIS_URL: redis.url }, { services: false });
    client = await createClient(system.databaseUrl, 'guessed-job', 'orders:read', 'orders-api');
    bystander = await createClient(system.databaseUrl, 'bystander-job', 'orders:read', 'orders-api');
    await redis.stop();
  });
  afterAll(async () => {
    await system?.stop();
    await redis?.stop();
  });

  const login = (username: string, password: string) => call('POST', `${system.issuerUrl}/auth/login`, { json: { username, password } });
  const token = (id: string, secret: string) =>
    call('POST', `${system.issuerUrl}/oauth/token`, { form: { grant_type: 'client_credentials' }, headers: basic(id, secret) });
  const seen = (label: string, result: HttpResult) => ({
    label,
    status: result.status,
    retryAfter: result.headers.get('retry-after') !== null,
    token: result.body?.access_token !== undefined,
  });

  it('login: past the per-account limit even the right password gets 429 with Retry-After and no token', async () => {
    for (let i = 0; i < 3; i++) expect(seen(`guess ${i}`, await login('alice', `guess-${i}`))).toMatchObject({ status: 401, token: false });
    expect(seen('right password', await login('alice', 'alice-password'))).toEqual({ label: 'right password', status: 429, retryAfter: true, token: false });
    // Control: the throttle, not the outage, refused alice: another account still gets past the password check.
    expect((await login('bob', 'wrong-password')).status).toBe(401);
  });

  it('client authentication: past the per-client limit even the right secret gets 429 with Retry-After and no token', async () => {
    for (let i = 0; i < 3; i++) expect(seen(`guess ${i}`, await token(client.id, `${client.secret}x`))).toMatchObject({ status: 401, token: false });
    expect(seen('right secret', await token(client.id, client.secret))).toEqual({ label: 'right secret', status: 429, retryAfter: true, token: false });
    // Control: client_credentials itself works without Redis, so the 429 above is the throttle's.
    expect(seen('bystander', await token(bystander.id, bystander.secret))).toMatchObject({ status: 200, token: true });
  });
});
