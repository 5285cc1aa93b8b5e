import { call, decodeJwt, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { startDelegationApp } from './support/delegation-app';
import { createExchangeClient, Credentials, exchanged, ORDERS_API } from './support/exchange';

/**
 * The guard side of delegation over real HTTP: @CurrentActor, @Delegation (require / forbid / allow-listed
 * actors) on a service trusting the real issuer, and the demo: orders-api calling billing-api for the user.
 */
describe('delegation at the resource services', () => {
  let system: TestSystem;
  let probe: { url: string; close(): Promise<void> };
  let reports: Credentials;

  beforeAll(async () => {
    // reports-api is a third audience of user tokens, so a second service can act for the user toward billing-api.
    system = await startTestSystem({ ACCESS_TOKEN_AUDIENCES: 'orders-api,billing-api,reports-api' });
    reports = await createExchangeClient(system.databaseUrl, 'reports-api', 'billing-api,orders-api');
    probe = await startDelegationApp({ issuer: system.issuerUrl, audience: 'billing-api', redis: system.redisUrl, redisPrefix: system.redisPrefix });
  }, 60_000);
  afterAll(async () => {
    await probe?.close();
    await system?.stop();
  });

  const tokens = async () => {
    const user = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
    return {
      user,
      byOrders: await exchanged(system.issuerUrl, ORDERS_API, user),
      byReports: await exchanged(system.issuerUrl, reports, user),
    };
  };

  it('@CurrentActor hands the handler the actor, and nothing for a direct call', async () => {
    const { user, byOrders } = await tokens();
    const sub = decodeJwt(user).payload.sub;
    expect((await call('GET', `${probe.url}/whoami`, { token: user })).body).toEqual({ sub, actor: null, chain: [] });
    expect((await call('GET', `${probe.url}/whoami`, { token: byOrders })).body).toEqual({ sub, actor: { sub: 'orders-api' }, chain: ['orders-api'] });
  });

  it.each([
    ['delegated-only', { user: 403, byOrders: 200, byReports: 200 }],
    ['direct-only', { user: 200, byOrders: 403, byReports: 403 }],
    ['orders-only', { user: 403, byOrders: 200, byReports: 403 }],
    ['orders-or-direct', { user: 200, byOrders: 200, byReports: 403 }],
  ])('@Delegation on /%s', async (route, expected) => {
    const all = await tokens();
    for (const [kind, status] of Object.entries(expected)) {
      const result = await call('GET', `${probe.url}/${route}`, { token: all[kind as keyof typeof all] });
      expect([kind, result.status]).toEqual([kind, status]);
      if (status === 403) {
        expect(result.headers.get('www-authenticate')).toBe('Bearer realm="billing-api", error="insufficient_scope"');
        expect(result.body).toEqual({ statusCode: 403, message: 'Forbidden' });
      }
    }
  });

  it('a malformed act is refused like any malformed token (401)', async () => {
    const { TokenForge } = await import('../support/token-forge');
    const forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
    for (const act of ['orders-api', { client: 'orders-api' }, { sub: 'orders-api', act: [] }]) {
      const result = await call('GET', `${probe.url}/whoami`, { token: forge.sign(system.issuerUrl, { act }) });
      expect(result.status).toBe(401);
      expect(result.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
  });

  describe("demo: orders-api calls billing-api on the user's behalf", () => {
    it('billing-api sees the user and orders-api as the actor', async () => {
      const user = await login(system.issuerUrl, 'alice', 'alice-password');
      const sub = decodeJwt(user.access_token).payload.sub;
      const result = await call('GET', `${system.ordersUrl}/orders/invoice-summary`, { token: user.access_token });
      expect(result.status).toBe(200);
      expect(result.body).toEqual({ sub, billing: { owner: sub, sub, actor: 'orders-api', actor_chain: ['orders-api'], invoices: [] } });
      // The contract's routes are untouched.
      expect((await call('GET', `${system.ordersUrl}/health`)).status).toBe(200);
      expect((await call('GET', `${system.ordersUrl}/me`, { token: user.access_token })).body).toMatchObject({ sub, roles: ['user'] });
      expect((await call('GET', `${system.ordersUrl}/admin/ping`, { token: user.access_token })).status).toBe(403);

      expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: user.access_token })).status).toBe(204);
      expect((await call('GET', `${system.ordersUrl}/orders/invoice-summary`, { token: user.access_token })).status).toBe(401);
    });

    it('refuses without a token, and does not pass on a token another service obtained for the user', async () => {
      expect((await call('GET', `${system.ordersUrl}/orders/invoice-summary`)).status).toBe(401);
      const user = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
      const forOrders = await exchanged(system.issuerUrl, reports, user, { audience: 'orders-api' });
      expect((await call('GET', `${system.ordersUrl}/orders`, { token: forOrders })).status).toBe(200);
      // @Delegation({ forbid: true }): reports-api's token for the user is not exchanged onward by orders-api.
      const refused = await call('GET', `${system.ordersUrl}/orders/invoice-summary`, { token: forOrders });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    });
  });
});
