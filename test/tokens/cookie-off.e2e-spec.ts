import { call, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';

/** Without AUTH_COOKIE=1 (the default) there is no cookie delivery anywhere. */
describe('cookie delivery off (default)', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system?.stop());

  it('login refuses {"cookie": true} with 400, and services ignore access cookies', async () => {
    const result = await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'alice', password: 'alice-password', cookie: true } });
    expect([result.status, result.body.error]).toEqual([400, 'invalid_request']);
    expect(result.headers.getSetCookie()).toEqual([]);
    const bearer = await login(system.issuerUrl, 'alice', 'alice-password');
    for (const service of [system.ordersUrl, system.billingUrl]) {
      const viaCookie = await call('GET', `${service}/me`, { headers: { cookie: `__Host-access_token=${bearer.access_token}` } });
      expect(viaCookie.status).toBe(401);
      expect(viaCookie.headers.get('www-authenticate')).not.toContain('error=');
    }
  });
});
