import Redis from 'ioredis';
import { redisKeys } from '@app/contract';
import { call, decodeJwt, login } from '../support/http';
import { PrivateRedisSentinel, SENTINEL_MASTER_NAME } from '../support/private-redis-sentinel';
import { until } from '../support/redis-process';
import { startTestSystem, TestSystem } from '../support/test-system';

/** The documented window (docs/redis-topologies.md): valid tokens may get 503 this long after a failover, never a revoked one 200. */
const FAILOVER_WINDOW_MS = 20_000;

/**
 * The whole product on a real Sentinel setup (master, replica, one sentinel, started by this test), through
 * a failover under load: a revoked token is never accepted, valid tokens work again within the window, and
 * a revocation written after the failover (to the new master) is enforced.
 */
describe('on Redis Sentinel (REDIS_SENTINELS + REDIS_SENTINEL_NAME)', () => {
  let redis: PrivateRedisSentinel;
  let system: TestSystem;

  beforeAll(async () => {
    redis = await PrivateRedisSentinel.start();
    system = await startTestSystem({ REDIS_URL: '', REDIS_SENTINELS: redis.sentinels, REDIS_SENTINEL_NAME: SENTINEL_MASTER_NAME });
  }, 60_000);
  afterAll(async () => {
    await system?.stop();
    await redis?.stop();
  });

  const services = () => [system.ordersUrl, system.billingUrl];
  const statuses = async (token: string) => Promise.all(services().map(async (url) => (await call('GET', `${url}/me`, { token })).status));

  it('survives a failover: no revoked token accepted during it, valid ones back within the window, revocations after it enforced', async () => {
    const revoked = await login(system.issuerUrl, 'alice', 'alice-password');
    const valid = await login(system.issuerUrl, 'admin', 'admin-password');
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: revoked.access_token })).status).toBe(204);
    expect(await statuses(revoked.access_token)).toEqual([401, 401]);
    expect(await statuses(valid.access_token)).toEqual([200, 200]);

    // Load through the failover: every answer to the revoked token is recorded.
    const seenForRevoked = new Set<number>();
    let loading = true;
    const load = (async () => {
      while (loading) for (const status of await statuses(revoked.access_token)) seenForRevoked.add(status);
    })();
    let to: number;
    try {
      const failover = await redis.failover();
      to = failover.to;
      expect(to).not.toBe(failover.from);
      // The old master (a replica now) goes away too: clients still reading from it must find the new master.
      await redis.server(failover.from).kill();
      const recovered = async () =>
        (await call('GET', `${system.issuerUrl}/health`)).status === 200 && (await statuses(valid.access_token)).every((s) => s === 200);
      await until('issuer healthy and valid token accepted again after the failover', recovered, FAILOVER_WINDOW_MS);
    } finally {
      loading = false;
      await load;
    }
    expect([...seenForRevoked].filter((status) => status !== 401 && status !== 503)).toEqual([]);

    // Logins work, and a logout after the failover reaches the new master and every service.
    const after = await login(system.issuerUrl, 'alice', 'alice-password');
    expect(await statuses(after.access_token)).toEqual([200, 200]);
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: after.access_token })).status).toBe(204);
    expect(await statuses(after.access_token)).toEqual([401, 401]);
    const master = new Redis(to, '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      expect(await master.get(redisKeys(system.redisPrefix).deniedJti(decodeJwt(after.access_token).payload.jti as string))).toBe('1');
    } finally {
      master.disconnect();
    }
  });
});
