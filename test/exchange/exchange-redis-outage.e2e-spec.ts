import { call, login } from '../support/http';
import { PrivateRedis } from '../support/private-redis';
import { startTestSystem, TestSystem } from '../support/test-system';
import { exchange, ORDERS_API } from './support/exchange';

/**
 * The revocation store cut mid-flow: the issuer cannot tell whether the subject token was revoked, so it issues
 * nothing (503 + Retry-After, never a guessed token); the demo route fails closed too. A private redis-server only.
 */
describe('token exchange while Redis is down', () => {
  let redis: PrivateRedis;
  let system: TestSystem;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    system = await startTestSystem({ REDIS_URL: redis.url });
  }, 60_000);
  afterAll(async () => {
    await system?.stop();
    await redis?.stop();
  });

  it('answers 503 with Retry-After and issues no token', async () => {
    const { access_token: user } = await login(system.issuerUrl, 'alice', 'alice-password');
    expect((await exchange(system.issuerUrl, ORDERS_API, user)).status).toBe(200);
    await redis.stop();
    const refused = await exchange(system.issuerUrl, ORDERS_API, user);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.body).toMatchObject({ error: 'temporarily_unavailable' });
    expect(refused.body).not.toHaveProperty('access_token');
    expect((await call('GET', `${system.ordersUrl}/orders/invoice-summary`, { token: user })).status).toBe(503);
  });
});
