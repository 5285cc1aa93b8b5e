import { adminLogin, call, login } from '../support/http';
import { PrivateRedis } from '../support/private-redis';
import { startTestSystem, TestSystem } from '../support/test-system';

/**
 * SECURITY.md promises that revocation survives a Redis that restarts empty: PostgreSQL keeps a copy,
 * the issuer re-seeds Redis, and guards refuse (503) until it has. A revoked token is never accepted in between.
 */
describe('durable revocation across a Redis restart that loses every key', () => {
  let redis: PrivateRedis;
  let system: TestSystem;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    system = await startTestSystem({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await system?.stop();
    await redis?.stop();
  });

  const status = async (url: string, token: string) => (await call('GET', url, { token })).status;

  it('logged-out and logged-out-everywhere tokens stay dead; live tokens come back once Redis is re-seeded', async () => {
    const loggedOut = await login(system.issuerUrl, 'alice', 'alice-password');
    const live = await login(system.issuerUrl, 'alice', 'alice-password');
    const everywhere = await login(system.issuerUrl, 'admin', 'admin-password');
    const adminApi = await adminLogin(system.issuerUrl);
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: loggedOut.access_token })).status).toBe(204);
    expect((await call('POST', `${system.issuerUrl}/auth/logout-all`, { token: everywhere.access_token })).status).toBe(204);
    const services = [`${system.ordersUrl}/me`, `${system.billingUrl}/me`];
    for (const url of services) {
      expect(await status(url, loggedOut.access_token)).toBe(401);
      expect(await status(url, everywhere.access_token)).toBe(401);
      expect(await status(url, live.access_token)).toBe(200);
    }

    await redis.stop();
    // Redis down: fail closed, not open.
    for (const url of services) expect([503]).toContain(await status(url, live.access_token));
    await redis.resume();

    // From the moment Redis is back (empty), a revoked token may meet 503 but never 200.
    const seen: Record<string, number[]> = { loggedOut: [], everywhere: [], live: [] };
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      for (const url of services) {
        seen.loggedOut.push(await status(url, loggedOut.access_token));
        seen.everywhere.push(await status(url, everywhere.access_token));
        seen.live.push(await status(url, live.access_token));
      }
      if (seen.live.slice(-2).every((s) => s === 200)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen.live.slice(-2)).toEqual([200, 200]);
    expect(seen.loggedOut.filter((s) => s !== 401 && s !== 503)).toEqual([]);
    expect(seen.everywhere.filter((s) => s !== 401 && s !== 503)).toEqual([]);
    for (const url of services) {
      expect(await status(url, loggedOut.access_token)).toBe(401);
      expect(await status(url, everywhere.access_token)).toBe(401);
    }
    // The issuer's own guard too: log-out-everywhere ended the admin-audience token as well.
    expect(await status(`${system.issuerUrl}/admin/keys`, adminApi)).toBe(401);
  });
});
