import { generateKeyPairSync } from 'node:crypto';
import { adminAudienceOf } from '@app/contract';
import { clientsCreate } from '../../apps/auth-issuer/src/cli/clients-create.command';
import { adminLogin, call, decodeJwt, login } from '../support/http';
import { basic } from '../support/oauth-clients';
import { startTestSystem, TestSystem } from '../support/test-system';
import { TokenForge } from '../support/token-forge';
import { invalidToken, outcome } from './support/refusals';

/**
 * The contract's "Audiences and the admin API": an ordinary token, which every service, proxy and log
 * on its way sees, can never act at the issuer's admin API; only a short admin-audience token can.
 */
describe('admin-audience tokens', () => {
  let system: TestSystem;
  let forge: TokenForge;

  beforeAll(async () => {
    system = await startTestSystem();
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
  });
  afterAll(() => system?.stop());

  const adminAudience = () => adminAudienceOf(system.issuerUrl);
  const loginWith = (json: Record<string, unknown>) => call('POST', `${system.issuerUrl}/auth/login`, { json });
  const keyList = async () => {
    const listed = await call('GET', `${system.issuerUrl}/admin/keys`, { token: await adminLogin(system.issuerUrl) });
    expect(listed.status).toBe(200);
    return listed.body.keys;
  };
  const services = () => [`${system.ordersUrl}/me`, `${system.billingUrl}/me`];

  it('an ordinary login names the services only, never the issuer or its admin API, also after a refresh', async () => {
    for (const [username, password] of [
      ['alice', 'alice-password'],
      ['admin', 'admin-password'],
    ]) {
      const session = await login(system.issuerUrl, username, password);
      const refreshed = await call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token: session.refresh_token } });
      expect(refreshed.status).toBe(200);
      for (const token of [session.access_token, refreshed.body.access_token]) {
        expect({ username, aud: decodeJwt(token).payload.aud }).toEqual({ username, aud: ['orders-api', 'billing-api'] });
      }
    }
  });

  it("refuses the admin's ordinary token at every admin endpoint with 401 invalid_token, and changes no key", async () => {
    const before = await keyList();
    const ordinary = (await login(system.issuerUrl, 'admin', 'admin-password')).access_token;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const attempts: [string, string, unknown?][] = [
      ['GET', '/admin/keys'],
      ['POST', '/admin/keys/rotate'],
      ['POST', '/admin/keys/import', { kid: 'planted', key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), activate: true }],
      ['POST', `/admin/keys/${before.find((k: { state: string }) => k.state === 'active').kid}/revoke`],
    ];
    for (const [method, path, json] of attempts) {
      expect(outcome(`${method} ${path}`, await call(method, `${system.issuerUrl}${path}`, { token: ordinary, json }))).toEqual(
        invalidToken(`${method} ${path}`),
      );
    }
    expect(await keyList()).toEqual(before);
    // The same token still works where it belongs.
    for (const url of services()) expect((await call('GET', url, { token: ordinary })).status).toBe(200);
  });

  it('an admin-audience token rotates; it has aud exactly the admin API, lives at most 300 s and has no refresh token', async () => {
    const response = await loginWith({ username: 'admin', password: 'admin-password', resource: adminAudience() });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(response.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: expect.any(Number), scope: '' });
    expect(response.body.expires_in).toBeLessThanOrEqual(300);
    const { payload } = decodeJwt(response.body.access_token);
    expect(payload.aud).toBe(adminAudience());
    expect(payload.exp - payload.iat).toBeLessThanOrEqual(300);
    expect(payload).not.toHaveProperty('sid');

    const before = await keyList();
    const rotated = await call('POST', `${system.issuerUrl}/admin/keys/rotate`, { token: response.body.access_token });
    expect(rotated.status).toBe(200);
    expect((await keyList()).find((k: { kid: string }) => k.kid === rotated.body.kid)?.state).toBe('active');
    expect(before.find((k: { kid: string }) => k.kid === rotated.body.kid)?.state).toBe('pending');
  });

  it('resource services refuse an admin-audience token', async () => {
    const admin = await adminLogin(system.issuerUrl);
    for (const url of [...services(), `${system.ordersUrl}/admin/ping`, `${system.billingUrl}/admin/ping`]) {
      expect(outcome(url, await call('GET', url, { token: admin }))).toEqual(invalidToken(url));
    }
  });

  it('a user without role admin asking for the admin API gets invalid_target and no token', async () => {
    const response = await loginWith({ username: 'alice', password: 'alice-password', resource: adminAudience() });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'invalid_target', error_description: expect.any(String) });
    expect(response.text).not.toMatch(/access_token|eyJ/);
  });

  it('any other resource is invalid_target, even for the admin; wrong credentials stay a plain 401', async () => {
    const resources: unknown[] = [
      system.issuerUrl,
      `${adminAudience()}/`,
      adminAudience().toUpperCase(),
      'orders-api',
      'billing-api',
      `${adminAudience()}/keys`,
      '',
      [adminAudience()],
      42,
      null,
    ];
    for (const resource of resources) {
      const response = await loginWith({ username: 'admin', password: 'admin-password', resource });
      expect({ resource, status: response.status, error: response.body?.error, token: 'access_token' in (response.body ?? {}) }).toEqual({
        resource,
        status: 400,
        error: 'invalid_target',
        token: false,
      });
    }
    const wrong = await loginWith({ username: 'admin', password: 'not-the-password', resource: adminAudience() });
    expect({ status: wrong.status, error: wrong.body.error }).toEqual({ status: 401, error: 'invalid_credentials' });
  });

  it('/admin/* takes aud exactly the admin API: forged lists and the bare issuer are 401, the exact one 200', async () => {
    const admin = { sub: 'forged-admin', roles: ['admin'] };
    const cases: [string, unknown, number][] = [
      ['the issuer itself', system.issuerUrl, 401],
      ['the issuer in a list', ['orders-api', system.issuerUrl], 401],
      ['admin API plus a service', [adminAudience(), 'orders-api'], 401],
      ['a service only', ['orders-api'], 401],
      ['the admin API alone, as a list', [adminAudience()], 200],
      ['the admin API alone', adminAudience(), 200],
    ];
    for (const [name, aud, status] of cases) {
      const result = await call('GET', `${system.issuerUrl}/admin/keys`, { token: forge.sign(system.issuerUrl, { ...admin, aud }) });
      expect({ name, status: result.status }).toEqual({ name, status });
      if (status === 401) expect(result.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]+", error="invalid_token"$/);
    }
  });

  it('logout takes an admin-audience token and ends it; logout-all ends every admin-audience token of the subject', async () => {
    const first = await adminLogin(system.issuerUrl);
    const second = await adminLogin(system.issuerUrl);
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: first })).status).toBe(204);
    expect((await call('GET', `${system.issuerUrl}/admin/keys`, { token: first })).status).toBe(401);
    expect((await call('GET', `${system.issuerUrl}/admin/keys`, { token: second })).status).toBe(200);
    const session = await login(system.issuerUrl, 'admin', 'admin-password');
    expect((await call('POST', `${system.issuerUrl}/auth/logout-all`, { token: session.access_token })).status).toBe(204);
    expect((await call('GET', `${system.issuerUrl}/admin/keys`, { token: second })).status).toBe(401);
  });

  describe('clients and the issuer audience', () => {
    /** Registered as an issuer of another URL would allow: the row a database from before this rule may hold. */
    const legacyClient = async (id: string, audiences: string) => {
      const out: string[] = [];
      const io = { out: (line: string) => out.push(line), err: () => undefined, readStdin: async () => '' };
      expect(
        await clientsCreate(['--id', id, '--audiences', audiences], { DATABASE_URL: system.databaseUrl, ISSUER_URL: 'https://elsewhere.example' }, io),
      ).toBe(0);
      return { id, secret: JSON.parse(out[0]).client_secret as string };
    };

    it('a client whose only audience is the issuer (or its admin API) gets invalid_target, with or without resource', async () => {
      for (const [id, audience] of [
        ['issuer-only', system.issuerUrl],
        ['admin-only', adminAudience()],
      ]) {
        const client = await legacyClient(id, audience);
        const forms: Record<string, string>[] = [{ grant_type: 'client_credentials' }, { grant_type: 'client_credentials', resource: audience }];
        for (const form of forms) {
          const result = await call('POST', `${system.issuerUrl}/oauth/token`, { form, headers: basic(client.id, client.secret) });
          expect({ id, form, status: result.status, error: result.body.error }).toEqual({ id, form, status: 400, error: 'invalid_target' });
        }
      }
    });

    it("logout and logout-all refuse a client's token (it belongs to no session) and end nothing", async () => {
      const client = await legacyClient('orders-caller', 'orders-api');
      const issued = await call('POST', `${system.issuerUrl}/oauth/token`, {
        form: { grant_type: 'client_credentials' },
        headers: basic(client.id, client.secret),
      });
      expect(issued.status).toBe(200);
      const alice = await login(system.issuerUrl, 'alice', 'alice-password');
      for (const path of ['/auth/logout', '/auth/logout-all']) {
        expect(outcome(path, await call('POST', `${system.issuerUrl}${path}`, { token: issued.body.access_token }))).toEqual(invalidToken(path));
      }
      expect((await call('GET', `${system.ordersUrl}/me`, { token: issued.body.access_token })).status).toBe(200);
      expect((await call('GET', `${system.ordersUrl}/me`, { token: alice.access_token })).status).toBe(200);
    });
  });
});
