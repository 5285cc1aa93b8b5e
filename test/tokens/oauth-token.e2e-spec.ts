import { Client } from 'pg';
import { call, decodeJwt, HttpResult, login } from '../support/http';
import { basic, createClient, runClientsCreate } from '../support/oauth-clients';
import { startTestSystem, TestSystem } from '../support/test-system';

/** POST /oauth/token (RFC 6749): client_credentials for registered clients, refresh_token with rotation. */
describe('OAuth token endpoint', () => {
  let system: TestSystem;
  let db: Client;
  let billingReader: { id: string; secret: string };
  let multi: { id: string; secret: string };

  beforeAll(async () => {
    // Client rows are cached for CLIENT_CACHE_TTL: one second here, so a disabled client's refusal is quick to see.
    system = await startTestSystem({ CLIENT_CACHE_TTL: '1' });
    db = new Client({ connectionString: system.databaseUrl });
    await db.connect();
    billingReader = await createClient(system.databaseUrl, 'orders-to-billing', 'invoices:read', 'billing-api');
    multi = await createClient(system.databaseUrl, 'reporting', 'orders:read,invoices:read', 'orders-api,billing-api');
  });
  afterAll(async () => {
    await db?.end();
    await system?.stop();
  });

  const token = (form: Record<string, string>, headers: Record<string, string> = {}) => call('POST', `${system.issuerUrl}/oauth/token`, { form, headers });
  /** A form body exactly as given (URLSearchParams cannot repeat a key from a record). */
  const rawForm = async (body: string, headers: Record<string, string>): Promise<HttpResult> => {
    const response = await fetch(`${system.issuerUrl}/oauth/token`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
  };
  const expectError = (result: HttpResult, status: number, error: string, name = '') => {
    expect({ name, status: result.status, error: result.body?.error }).toEqual({ name, status, error });
    expect(result.headers.get('cache-control')).toContain('no-store');
  };

  describe('client_credentials', () => {
    it('issues a token for the one service the client calls, usable there and nowhere else', async () => {
      const result = await token({ grant_type: 'client_credentials' }, basic(billingReader.id, billingReader.secret));
      expect(result.status).toBe(200);
      expect(result.headers.get('cache-control')).toContain('no-store');
      expect(result.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'invoices:read' });
      const { header, payload } = decodeJwt(result.body.access_token);
      expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
      expect(payload).toMatchObject({
        iss: system.issuerUrl,
        aud: 'billing-api',
        sub: 'orders-to-billing',
        client_id: 'orders-to-billing',
        scope: 'invoices:read',
        roles: [],
      });

      const at = result.body.access_token;
      expect((await call('GET', `${system.billingUrl}/invoices/summary`, { token: at })).status).toBe(200);
      expect((await call('GET', `${system.billingUrl}/admin/ping`, { token: at })).status).toBe(403);
      for (const path of ['/orders/summary', '/me']) {
        const elsewhere = await call('GET', `${system.ordersUrl}${path}`, { token: at });
        expect(elsewhere.status).toBe(401);
        expect(elsewhere.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
      // Nor at the issuer's own API.
      expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: at })).status).toBe(401);
    });

    it('accepts client_secret_post and a form-urlencoded Basic secret with reserved characters', async () => {
      expect((await token({ grant_type: 'client_credentials', client_id: billingReader.id, client_secret: billingReader.secret })).status).toBe(200);
      const secret = 'a:b+c%d e/f=g&h-0123456789-0123456789-üñî';
      expect((await runClientsCreate(system.databaseUrl, ['--id', 'odd-secret', '--audiences', 'orders-api', '--secret-stdin'], `${secret}\n`)).code).toBe(0);
      const result = await token({ grant_type: 'client_credentials' }, basic('odd-secret', secret));
      expect(result.status).toBe(200);
      expect(result.body.scope).toBe('');
    });

    it('picks the audience with resource (RFC 8707) or audience, within the allowed ones', async () => {
      const auth = basic(multi.id, multi.secret);
      expectError(await token({ grant_type: 'client_credentials' }, auth), 400, 'invalid_target', 'several allowed, none named');
      const orders = await token({ grant_type: 'client_credentials', resource: 'orders-api', scope: 'orders:read' }, auth);
      expect(orders.status).toBe(200);
      expect(decodeJwt(orders.body.access_token).payload.aud).toBe('orders-api');
      expect((await call('GET', `${system.ordersUrl}/orders/summary`, { token: orders.body.access_token })).status).toBe(200);
      expect((await call('GET', `${system.billingUrl}/invoices/summary`, { token: orders.body.access_token })).status).toBe(401);
      const billing = await token({ grant_type: 'client_credentials', audience: 'billing-api' }, auth);
      expect(decodeJwt(billing.body.access_token).payload).toMatchObject({ aud: 'billing-api', scope: 'orders:read invoices:read' });

      const refused: [string, Record<string, string>][] = [
        ['not allowed', { resource: 'payments-api' }],
        ['the issuer itself', { resource: system.issuerUrl }],
        ['resource and audience disagree', { resource: 'orders-api', audience: 'billing-api' }],
      ];
      for (const [name, params] of refused) expectError(await token({ grant_type: 'client_credentials', ...params }, auth), 400, 'invalid_target', name);
    });

    it('grants requested ⊆ allowed scopes and refuses the rest with invalid_scope', async () => {
      const auth = basic(multi.id, multi.secret);
      const narrow = await token({ grant_type: 'client_credentials', resource: 'billing-api', scope: 'invoices:read' }, auth);
      expect(narrow.body.scope).toBe('invoices:read');
      expect((await call('GET', `${system.billingUrl}/invoices/summary`, { token: narrow.body.access_token })).status).toBe(200);
      const withoutScope = await token({ grant_type: 'client_credentials', resource: 'orders-api', scope: 'invoices:read' }, auth);
      expect((await call('GET', `${system.ordersUrl}/orders/summary`, { token: withoutScope.body.access_token })).status).toBe(403);
      for (const scope of ['admin', 'orders:read admin', 'bad"scope', 'bad\\scope']) {
        expectError(await token({ grant_type: 'client_credentials', resource: 'orders-api', scope }, auth), 400, 'invalid_scope', scope);
      }
    });

    it('refuses bad requests with RFC 6749 §5.2 errors', async () => {
      const good = basic(billingReader.id, billingReader.secret);
      const cases: [string, () => Promise<HttpResult>, number, string][] = [
        ['no client authentication', () => token({ grant_type: 'client_credentials' }), 401, 'invalid_client'],
        ['wrong secret', () => token({ grant_type: 'client_credentials' }, basic(billingReader.id, `${billingReader.secret}x`)), 401, 'invalid_client'],
        ['unknown client', () => token({ grant_type: 'client_credentials' }, basic('nobody', billingReader.secret)), 401, 'invalid_client'],
        ['client_id without a secret', () => token({ grant_type: 'client_credentials', client_id: billingReader.id }), 401, 'invalid_client'],
        ['malformed Basic', () => token({ grant_type: 'client_credentials' }, { authorization: 'Basic %%%' }), 401, 'invalid_client'],
        [
          'Basic without a colon',
          () => token({ grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from('x').toString('base64')}` }),
          401,
          'invalid_client',
        ],
        ['Bearer instead of client auth', () => token({ grant_type: 'client_credentials' }, { authorization: 'Bearer abc' }), 401, 'invalid_client'],
        ['two authentication methods', () => token({ grant_type: 'client_credentials', client_secret: billingReader.secret }, good), 400, 'invalid_request'],
        ['client_id disagrees with Basic', () => token({ grant_type: 'client_credentials', client_id: 'other' }, good), 400, 'invalid_request'],
        ['no grant_type', () => token({}, good), 400, 'invalid_request'],
        ['password grant', () => token({ grant_type: 'password', username: 'alice', password: 'alice-password' }, good), 400, 'unsupported_grant_type'],
        ['authorization_code grant with a garbage code', () => token({ grant_type: 'authorization_code', code: 'x' }, good), 400, 'invalid_grant'],
        ['prototype-named grant', () => token({ grant_type: 'constructor' }, good), 400, 'unsupported_grant_type'],
        [
          'JSON body',
          () => call('POST', `${system.issuerUrl}/oauth/token`, { json: { grant_type: 'client_credentials' }, headers: good }),
          400,
          'invalid_request',
        ],
        ['repeated grant_type', () => rawForm('grant_type=client_credentials&grant_type=refresh_token', good), 400, 'invalid_request'],
        [
          'text/plain body',
          () => call('POST', `${system.issuerUrl}/oauth/token`, { headers: { ...good, 'content-type': 'text/plain' } }),
          400,
          'invalid_request',
        ],
      ];
      for (const [name, request, status, error] of cases) {
        const result = await request();
        expectError(result, status, error, name);
        if (status === 401) expect(result.headers.get('www-authenticate')).toMatch(/^Basic /);
        expect(result.body.access_token).toBeUndefined();
      }
    });

    it('a disabled client is refused once CLIENT_CACHE_TTL has passed', async () => {
      const client = await createClient(system.databaseUrl, 'soon-disabled', 'invoices:read', 'billing-api');
      expect((await token({ grant_type: 'client_credentials' }, basic(client.id, client.secret))).status).toBe(200);
      await db.query(`UPDATE clients SET disabled = true WHERE client_id = 'soon-disabled'`);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expectError(await token({ grant_type: 'client_credentials' }, basic(client.id, client.secret)), 401, 'invalid_client');
    });
  });

  describe('refresh_token', () => {
    it('rotates a first-party refresh token without client authentication', async () => {
      const session = await login(system.issuerUrl, 'alice', 'alice-password');
      const result = await token({ grant_type: 'refresh_token', refresh_token: session.refresh_token });
      expect(result.status).toBe(200);
      expect(result.headers.get('cache-control')).toContain('no-store');
      expect(result.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
      expect((await call('GET', `${system.ordersUrl}/me`, { token: result.body.access_token })).status).toBe(200);
      expectError(await token({ grant_type: 'refresh_token', refresh_token: session.refresh_token }), 400, 'invalid_grant', 'spent');
      // The spent token was reuse: the family is gone, including the token just issued.
      expectError(await token({ grant_type: 'refresh_token', refresh_token: result.body.refresh_token }), 400, 'invalid_grant', 'family revoked');
    });

    it('a refused request spends nothing: wrong client, too-wide scope, bad client credentials', async () => {
      const session = await login(system.issuerUrl, 'alice', 'alice-password');
      const form = { grant_type: 'refresh_token', refresh_token: session.refresh_token };
      expectError(await token(form, basic(billingReader.id, billingReader.secret)), 400, 'invalid_grant', 'first-party token presented by a client');
      expectError(await token({ ...form, scope: 'invoices:read' }), 400, 'invalid_scope', 'scope beyond the grant');
      expectError(await token(form, basic(billingReader.id, 'wrong-secret')), 401, 'invalid_client', 'bad credentials');
      expectError(await token({ grant_type: 'refresh_token' }), 400, 'invalid_request', 'no refresh_token');
      expect((await token(form)).status).toBe(200);
    });
  });

  it('the discovery document lists the endpoints, grants and auth methods that exist', async () => {
    const { body } = await call('GET', `${system.issuerUrl}/.well-known/openid-configuration`);
    expect(body).toMatchObject({
      token_endpoint: `${system.issuerUrl}/oauth/token`,
      revocation_endpoint: `${system.issuerUrl}/oauth/revoke`,
      introspection_endpoint: `${system.issuerUrl}/oauth/introspect`,
    });
    expect(body.grant_types_supported.sort()).toEqual([
      'authorization_code',
      'client_credentials',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ]);
    expect(body.token_endpoint_auth_methods_supported.sort()).toEqual(['client_secret_basic', 'client_secret_post', 'none']);
    expect(body.revocation_endpoint_auth_methods_supported.sort()).toEqual(['client_secret_basic', 'client_secret_post', 'none']);
    expect(body.introspection_endpoint_auth_methods_supported.sort()).toEqual(['client_secret_basic', 'client_secret_post']);
    expect(body.authorization_endpoint).toBe(`${system.issuerUrl}/oauth/authorize`);
  });
});
