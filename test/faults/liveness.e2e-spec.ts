import { call } from '../support/http';
import { PrivateRedis } from '../support/private-redis';
import { until } from '../support/redis-process';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * Kubernetes restarts a pod whose liveness probe fails. GET /health/live answers from the process alone, so a Redis
 * outage makes every app unready (GET /health 503) but never looks like a dead process worth restarting.
 */
describe('GET /health/live while Redis is down (a private redis-server, stopped)', () => {
  let redis: PrivateRedis;
  let system: TestSystem;
  let urls: Record<string, string>;
  let stopped = false;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    system = await startTestSystem({ REDIS_URL: redis.url });
    urls = { 'auth-issuer': system.issuerUrl, 'orders-api': system.ordersUrl, 'billing-api': system.billingUrl };
  });
  afterAll(async () => {
    // Back up and reconnected first, so the apps' clients close cleanly instead of retrying a dead port.
    if (stopped) {
      await redis.resume();
      await until('apps ready again', async () => JSON.stringify(await statuses('/health')) === JSON.stringify(everyApp(200)), 30_000).catch(() => undefined);
    }
    await system?.stop();
    await redis?.stop();
  });

  const statuses = async (path: string) =>
    Object.fromEntries(await Promise.all(Object.entries(urls).map(async ([app, url]) => [app, (await call('GET', `${url}${path}`)).status])));
  const everyApp = (status: number) => Object.fromEntries(Object.keys(urls).map((app) => [app, status]));

  it('is 200 {"status":"ok"} without a token at every app, and the readiness checks say ready', async () => {
    for (const url of Object.values(urls)) {
      const live = await call('GET', `${url}/health/live`);
      expect({ url, status: live.status, body: live.body }).toEqual({ url, status: 200, body: { status: 'ok' } });
    }
    expect(await statuses('/health')).toEqual(everyApp(200));
  });

  it('stays 200 with Redis stopped, while /health (readiness, reporting Redis) is 503', async () => {
    await redis.stop();
    stopped = true;
    await until('readiness reporting Redis down at every app', async () => JSON.stringify(await statuses('/health')) === JSON.stringify(everyApp(503)));
    const issuerHealth = await call('GET', `${system.issuerUrl}/health`);
    expect(issuerHealth.body?.error?.redis?.status ?? issuerHealth.body?.details?.redis?.status).toBe('down');
    expect(await statuses('/health/live')).toEqual(everyApp(200));
  });

  it('answers only GET: another method is not a liveness signal', async () => {
    expect((await call('POST', `${system.ordersUrl}/health/live`, { json: {} })).status).toBe(404);
  });
});
