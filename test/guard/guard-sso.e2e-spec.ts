import { ClientCredentialsTokenProvider } from '@app/auth-guard';
import { adminLogin, call, decodeJwt, login } from '../support/http';
import { createClient } from '../support/oauth-clients';
import { startTestSystem, TestSystem } from '../support/test-system';
import { TokenForge } from '../support/token-forge';

/**
 * Real SSO across the two resource services: each has its own audience; one user token whose `aud`
 * lists both works at both; a token for one is refused by the other. Then the issuer goes away.
 */
describe('two resource services, two audiences, one sign-on', () => {
  let system: TestSystem;
  let forge: TokenForge;

  beforeAll(async () => {
    system = await startTestSystem();
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
  }, 30_000);
  afterAll(() => system?.stop());

  const statusAt = async (service: string, token: string) => (await call('GET', `${service}/me`, { token })).status;

  it('accepts a user token whose aud lists both services at both', async () => {
    const { access_token } = await login(system.issuerUrl, 'alice', 'alice-password');
    expect(await statusAt(system.ordersUrl, access_token)).toBe(200);
    expect(await statusAt(system.billingUrl, access_token)).toBe(200);
    const both = forge.sign(system.issuerUrl, { aud: ['orders-api', 'billing-api'] });
    expect(await statusAt(system.ordersUrl, both)).toBe(200);
    expect(await statusAt(system.billingUrl, both)).toBe(200);
  });

  it('refuses a token minted for one audience at the other service', async () => {
    const ordersOnly = forge.sign(system.issuerUrl, { aud: 'orders-api' });
    const billingOnly = forge.sign(system.issuerUrl, { aud: ['billing-api'] });
    expect(await statusAt(system.ordersUrl, ordersOnly)).toBe(200);
    expect(await statusAt(system.billingUrl, billingOnly)).toBe(200);
    for (const [service, token] of [
      [system.billingUrl, ordersOnly],
      [system.ordersUrl, billingOnly],
    ]) {
      const refused = await call('GET', `${service}/me`, { token });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm="(orders|billing)-api", error="invalid_token"$/);
      expect(refused.body).toEqual({ statusCode: 401, message: 'Unauthorized' });
    }
  });

  it('service to service: ClientCredentialsTokenProvider gets one token per audience from the real issuer and caches it', async () => {
    const client = await createClient(system.databaseUrl, 'reporting', 'orders:read,invoices:read', 'orders-api,billing-api');
    const forBilling = new ClientCredentialsTokenProvider({
      issuer: system.issuerUrl,
      clientId: client.id,
      clientSecret: client.secret,
      scope: 'invoices:read',
      parameters: { resource: 'billing-api' },
    });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => forBilling.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(forBilling.requestCount).toBe(1);
    expect(decodeJwt(tokens[0]).payload).toMatchObject({ aud: 'billing-api', client_id: 'reporting', scope: 'invoices:read' });
    const summary = await fetch(`${system.billingUrl}/invoices/summary`, { headers: { authorization: await forBilling.authorizationHeader() } });
    expect(summary.status).toBe(200);
    // Minted for billing-api, so orders-api refuses it.
    expect(await statusAt(system.ordersUrl, tokens[0])).toBe(401);
    const forOrders = new ClientCredentialsTokenProvider({
      issuer: system.issuerUrl,
      clientId: client.id,
      clientSecret: client.secret,
      scope: 'orders:read',
      parameters: { resource: 'orders-api' },
      authMethod: 'client_secret_post',
    });
    expect((await call('GET', `${system.ordersUrl}/orders/summary`, { token: await forOrders.getToken() })).status).toBe(200);
    const wrongSecret = new ClientCredentialsTokenProvider({
      issuer: system.issuerUrl,
      clientId: client.id,
      clientSecret: 'not-the-secret',
      parameters: { resource: 'orders-api' },
    });
    await expect(wrongSecret.getToken()).rejects.toMatchObject({ code: 'ERR_TOKEN_REQUEST_REFUSED', refusal: { status: 401, error: 'invalid_client' } });
  });

  it('a rotation at the issuer reaches both services at once through keys-changed', async () => {
    const admin = await login(system.issuerUrl, 'admin', 'admin-password');
    const rotated = await call('POST', `${system.issuerUrl}/admin/keys/rotate`, { token: await adminLogin(system.issuerUrl) });
    expect(rotated.status).toBe(200);
    const { access_token } = await login(system.issuerUrl, 'alice', 'alice-password');
    expect(decodeJwt(access_token).header.kid).toBe(rotated.body.kid);
    // The services started moments ago, inside their 10 s unknown-kid cooldown: only the push explains a 200 within a second.
    for (const service of [system.ordersUrl, system.billingUrl]) {
      let status = 0;
      const started = Date.now();
      while (status !== 200 && Date.now() - started < 1000) status = await statusAt(service, access_token);
      expect(status).toBe(200);
    }
    expect(await statusAt(system.ordersUrl, admin.access_token)).toBe(200);
  });

  it('keeps serving valid tokens at both services after the issuer stops', async () => {
    const { access_token } = await login(system.issuerUrl, 'admin', 'admin-password');
    await system.stopIssuer();
    expect((await fetch(`${system.issuerUrl}/health`).catch(() => null))?.status).toBeUndefined();
    for (const service of [system.ordersUrl, system.billingUrl]) {
      for (let i = 0; i < 5; i++) expect(await statusAt(service, access_token)).toBe(200);
      expect((await call('GET', `${service}/admin/ping`, { token: access_token })).status).toBe(200);
      expect(await statusAt(service, forge.sign(system.issuerUrl, {}, { kid: 'unknown-kid' }))).toBe(401);
      expect((await call('GET', `${service}/health`)).status).toBe(200);
    }
  });
});
