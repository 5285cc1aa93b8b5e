import Redis from 'ioredis';
import { redisKeys } from '@app/contract';
import { call } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';

/** A service whose Redis lost the issuer's seed marker refuses tokens (503), so its readiness must say so too. */
describe('resource service readiness follows the revocation seed marker', () => {
  let system: TestSystem;
  let redis: Redis;

  beforeAll(async () => {
    system = await startTestSystem();
    redis = new Redis(system.redisUrl);
  });
  afterAll(async () => {
    await redis?.quit();
    await system?.stop();
  });

  it('answers 503 unseeded while the marker is missing, 200 once it is back', async () => {
    const marker = redisKeys(system.redisPrefix).revocationSeeded;
    expect((await call('GET', `${system.ordersUrl}/health`)).status).toBe(200);
    // With the issuer stopped nobody re-seeds, so the state holds still for the assertions.
    await system.stopIssuer();
    const value = await redis.get(marker);
    await redis.del(marker);

    for (const service of [system.ordersUrl, system.billingUrl]) {
      const health = await call('GET', `${service}/health`);
      expect(health.status).toBe(503);
      expect(health.body.details).toMatchObject({ keys: 'loaded', redis: 'unseeded' });
    }

    await redis.set(marker, value ?? 'restored');
    const healthy = await call('GET', `${system.ordersUrl}/health`);
    expect(healthy.status).toBe(200);
    expect(healthy.body.details).toMatchObject({ redis: 'up' });
  });
});
