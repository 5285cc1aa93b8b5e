import { adminLogin, call, decodeJwt, login } from '../support/http';
import { basic, createClient, runClientsCreate } from '../support/oauth-clients';
import { startTestSystem, TestSystem } from '../support/test-system';
import { TokenForge } from '../support/token-forge';
import { createExchangeClient, Credentials, exchange, exchanged, ORDERS_API } from './support/exchange';

const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * RFC 8693 token exchange against the real issuer and both services: the contract's shape, every refusal with
 * its RFC error, revocation through the session, multi-hop nesting and its depth limit, introspection.
 */
describe('token exchange (RFC 8693)', () => {
  let system: TestSystem;
  let forge: TokenForge;
  let billingClient: Credentials;
  let paymentsClient: Credentials;
  let plainClient: Credentials;

  beforeAll(async () => {
    system = await startTestSystem();
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
    // A chain orders-api -> billing-api -> payments-api -> ledger-api, one hop past the default depth of 2.
    billingClient = await createExchangeClient(system.databaseUrl, 'billing-api', 'payments-api');
    paymentsClient = await createExchangeClient(system.databaseUrl, 'payments-api', 'ledger-api');
    plainClient = await createClient(system.databaseUrl, 'plain-caller', 'invoices:read', 'billing-api');
  }, 60_000);
  afterAll(() => system?.stop());

  const alice = () => login(system.issuerUrl, 'alice', 'alice-password');

  it('discovery lists the grant and the act claim', async () => {
    const { body } = await call('GET', `${system.issuerUrl}/.well-known/openid-configuration`);
    expect(body.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:token-exchange');
    expect(body.claims_supported).toContain('act');
  });

  it('answers the contract shape: the target alone, the user and session, act, exp no later than the subject', async () => {
    const user = await alice();
    const subject = decodeJwt(user.access_token).payload;
    const result = await exchange(system.issuerUrl, ORDERS_API, user.access_token);
    expect(result.status).toBe(200);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(result.body).sort()).toEqual(['access_token', 'expires_in', 'issued_token_type', 'token_type']);
    expect(result.body).toMatchObject({ issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer' });
    const { header, payload } = decodeJwt(result.body.access_token);
    expect(header.typ).toBe('at+jwt');
    expect(payload.aud).toBe('billing-api');
    expect(payload.sub).toBe(subject.sub);
    expect(payload.act).toEqual({ sub: 'orders-api' });
    expect(payload.client_id).toBe('orders-api');
    expect(payload.sid).toBe(subject.sid);
    expect(payload.roles).toEqual(subject.roles);
    expect(payload.jti).not.toBe(subject.jti);
    expect(payload.exp).toBeLessThanOrEqual(subject.exp);
    expect(payload.exp - payload.iat).toBe(result.body.expires_in);

    const invoices = await call('GET', `${system.billingUrl}/invoices`, { token: result.body.access_token });
    expect(invoices.status).toBe(200);
    expect(invoices.body).toMatchObject({ sub: subject.sub, actor: 'orders-api', actor_chain: ['orders-api'] });
    // Meant for billing-api alone: orders-api (which holds it) cannot replay it against itself.
    expect((await call('GET', `${system.ordersUrl}/me`, { token: result.body.access_token })).status).toBe(401);
  });

  it('ends no later than a subject token that expires sooner', async () => {
    const { payload } = decodeJwt((await alice()).access_token);
    const shortLived = forge.sign(system.issuerUrl, { sub: payload.sub, sid: payload.sid, exp: Math.floor(Date.now() / 1000) + 40 });
    const result = await exchange(system.issuerUrl, ORDERS_API, shortLived);
    expect(result.status).toBe(200);
    expect(decodeJwt(result.body.access_token).payload.exp).toBe(decodeJwt(shortLived).payload.exp);
    expect(result.body.expires_in).toBeLessThanOrEqual(40);
  });

  describe('refusals', () => {
    let user: string;
    let userPayload: Record<string, unknown>;
    beforeAll(async () => {
      user = (await alice()).access_token;
      userPayload = decodeJwt(user).payload;
    });

    const cases: [string, () => Promise<{ status: number; body: { error?: string } }>, number, string][] = [
      ['no client authentication', () => exchange(system.issuerUrl, undefined, user), 401, 'invalid_client'],
      ['a wrong client secret', () => exchange(system.issuerUrl, { id: 'orders-api', secret: 'not-the-secret' }, user), 401, 'invalid_client'],
      ['a public client (client_id alone)', () => exchange(system.issuerUrl, undefined, user, { client_id: 'some-spa' }), 401, 'invalid_client'],
      ['a client without exchange policy', () => exchange(system.issuerUrl, plainClient, user), 400, 'unauthorized_client'],
      ['no subject_token', () => exchange(system.issuerUrl, ORDERS_API, user, { subject_token: undefined }), 400, 'invalid_request'],
      ['a garbage subject_token', () => exchange(system.issuerUrl, ORDERS_API, 'not.a.token'), 400, 'invalid_request'],
      [
        'a subject token of another issuer',
        () => exchange(system.issuerUrl, ORDERS_API, forge.sign('https://evil.example', { sid: userPayload.sid })),
        400,
        'invalid_request',
      ],
      [
        'an expired subject token',
        () => exchange(system.issuerUrl, ORDERS_API, forge.sign(system.issuerUrl, { sid: userPayload.sid, iat: 1_000, exp: 2_000 })),
        400,
        'invalid_request',
      ],
      ['no subject_token_type', () => exchange(system.issuerUrl, ORDERS_API, user, { subject_token_type: undefined }), 400, 'invalid_request'],
      [
        'a refresh-token subject_token_type',
        () => exchange(system.issuerUrl, ORDERS_API, user, { subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }),
        400,
        'invalid_request',
      ],
      [
        'a requested JWT token type',
        () => exchange(system.issuerUrl, ORDERS_API, user, { requested_token_type: 'urn:ietf:params:oauth:token-type:jwt' }),
        400,
        'invalid_request',
      ],
      [
        'an actor_token',
        () => exchange(system.issuerUrl, ORDERS_API, user, { actor_token: user, actor_token_type: ACCESS_TOKEN_TYPE }),
        400,
        'invalid_request',
      ],
      [
        'a subject token not sent to the acting service',
        () => exchange(system.issuerUrl, paymentsClient, user, { audience: 'ledger-api' }),
        400,
        'invalid_request',
      ],
      [
        'a subject token of no session (client credentials)',
        async () => {
          const own = await call('POST', `${system.issuerUrl}/oauth/token`, {
            form: { grant_type: 'client_credentials', resource: 'billing-api' },
            headers: basic(plainClient.id, plainClient.secret),
          });
          return exchange(system.issuerUrl, billingClient, own.body.access_token, { audience: 'payments-api' });
        },
        400,
        'invalid_request',
      ],
      ['no audience', () => exchange(system.issuerUrl, ORDERS_API, user, { audience: undefined }), 400, 'invalid_request'],
      ['an audience outside the policy', () => exchange(system.issuerUrl, ORDERS_API, user, { audience: 'orders-api' }), 400, 'invalid_target'],
      ['the admin API as audience', () => exchange(system.issuerUrl, ORDERS_API, user, { audience: `${system.issuerUrl}/admin` }), 400, 'invalid_target'],
      [
        'resource and audience naming different services',
        () => exchange(system.issuerUrl, ORDERS_API, user, { resource: 'payments-api' }),
        400,
        'invalid_target',
      ],
      ['a scope the subject token lacks', () => exchange(system.issuerUrl, ORDERS_API, user, { scope: 'invoices:read' }), 400, 'invalid_scope'],
      ['a malformed scope', () => exchange(system.issuerUrl, ORDERS_API, user, { scope: 'a "b"' }), 400, 'invalid_scope'],
    ];
    it.each(cases)('%s', async (_name, send, status, error) => {
      const result = await send();
      expect(result.status).toBe(status);
      expect(result.body.error).toBe(error);
      expect(result.body).not.toHaveProperty('access_token');
    });

    it('a repeated audience', async () => {
      const body = `grant_type=${encodeURIComponent('urn:ietf:params:oauth:grant-type:token-exchange')}&subject_token=${user}&subject_token_type=${encodeURIComponent(ACCESS_TOKEN_TYPE)}&audience=billing-api&audience=payments-api`;
      const response = await fetch(`${system.issuerUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic(ORDERS_API.id, ORDERS_API.secret) },
        body,
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
    });

    it('an admin-audience token (no session, not sent to the service)', async () => {
      const result = await exchange(system.issuerUrl, ORDERS_API, await adminLogin(system.issuerUrl));
      expect([result.status, result.body.error]).toEqual([400, 'invalid_request']);
    });

    it('a logged-out subject token', async () => {
      const { access_token } = await alice();
      expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: access_token })).status).toBe(204);
      const result = await exchange(system.issuerUrl, ORDERS_API, access_token);
      expect([result.status, result.body.error]).toEqual([400, 'invalid_request']);
    });
  });

  it('logging the session out ends the exchanged token at every service, and introspection agrees', async () => {
    const user = await alice();
    const token = await exchanged(system.issuerUrl, ORDERS_API, user.access_token);
    expect((await call('GET', `${system.billingUrl}/invoices`, { token })).status).toBe(200);
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: user.access_token, json: { refresh_token: user.refresh_token } })).status).toBe(204);
    const refused = await call('GET', `${system.billingUrl}/invoices`, { token });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const introspected = await call('POST', `${system.issuerUrl}/oauth/introspect`, { form: { token }, headers: basic(ORDERS_API.id, ORDERS_API.secret) });
    expect(introspected.body).toEqual({ active: false });
  });

  it('introspection returns act', async () => {
    const user = await alice();
    const token = await exchanged(system.issuerUrl, ORDERS_API, user.access_token);
    const result = await call('POST', `${system.issuerUrl}/oauth/introspect`, { form: { token }, headers: basic(plainClient.id, plainClient.secret) });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      active: true,
      sub: decodeJwt(user.access_token).payload.sub,
      aud: 'billing-api',
      client_id: 'orders-api',
      act: { sub: 'orders-api' },
    });
    // A user's own token has no act.
    const own = await call('POST', `${system.issuerUrl}/oauth/introspect`, {
      form: { token: user.access_token },
      headers: basic(plainClient.id, plainClient.secret),
    });
    expect(own.body.active).toBe(true);
    expect(own.body).not.toHaveProperty('act');
  });

  it('multi-hop calls nest act (RFC 8693 §4.1) up to the maximum depth, and one logout ends the whole chain', async () => {
    const user = await alice();
    const first = await exchanged(system.issuerUrl, ORDERS_API, user.access_token);
    const second = await exchanged(system.issuerUrl, billingClient, first, { audience: 'payments-api' });
    const payload = decodeJwt(second).payload;
    expect(payload).toMatchObject({
      aud: 'payments-api',
      sub: decodeJwt(user.access_token).payload.sub,
      act: { sub: 'billing-api', act: { sub: 'orders-api' } },
    });
    expect(payload.exp).toBeLessThanOrEqual(decodeJwt(first).payload.exp);
    const third = await exchange(system.issuerUrl, paymentsClient, second, { audience: 'ledger-api' });
    expect([third.status, third.body.error]).toEqual([400, 'invalid_request']);

    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: user.access_token })).status).toBe(204);
    const hop = await exchange(system.issuerUrl, billingClient, first, { audience: 'payments-api' });
    expect([hop.status, hop.body.error]).toEqual([400, 'invalid_request']);
    const introspected = await call('POST', `${system.issuerUrl}/oauth/introspect`, {
      form: { token: second },
      headers: basic(paymentsClient.id, paymentsClient.secret),
    });
    expect(introspected.body).toEqual({ active: false });
  });

  it('race: two exchanges at once both succeed, and one logout revokes both', async () => {
    const user = await alice();
    const [a, b] = await Promise.all([exchange(system.issuerUrl, ORDERS_API, user.access_token), exchange(system.issuerUrl, ORDERS_API, user.access_token)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(decodeJwt(a.body.access_token).payload.jti).not.toBe(decodeJwt(b.body.access_token).payload.jti);
    for (const token of [a.body.access_token, b.body.access_token]) expect((await call('GET', `${system.billingUrl}/invoices`, { token })).status).toBe(200);
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: user.access_token })).status).toBe(204);
    for (const token of [a.body.access_token, b.body.access_token]) expect((await call('GET', `${system.billingUrl}/invoices`, { token })).status).toBe(401);
  });

  it('clients:create records the exchange policy and refuses the issuer as an exchange target', async () => {
    const made = await runClientsCreate(system.databaseUrl, [
      '--id',
      'reports-svc',
      '--audiences',
      'billing-api',
      '--exchange-audiences',
      'billing-api',
      '--exchange-scopes',
      'invoices:read',
    ]);
    expect(made.code).toBe(0);
    expect(JSON.parse(made.out[0])).toMatchObject({ client_id: 'reports-svc', exchange_audiences: ['billing-api'], exchange_scopes: ['invoices:read'] });
    // The CLI reads the issuer's ISSUER_URL (here its default); the grant checks again with the running issuer's.
    const reserved = await runClientsCreate(system.databaseUrl, [
      '--id',
      'sneaky',
      '--audiences',
      'billing-api',
      '--exchange-audiences',
      'http://localhost:3000/admin',
    ]);
    expect(reserved.code).toBe(1);
    expect(reserved.err.join(' ')).toContain('invalid_request');
    const scopesOnly = await runClientsCreate(system.databaseUrl, ['--id', 'sneaky2', '--audiences', 'billing-api', '--exchange-scopes', 'invoices:read']);
    expect(scopesOnly.code).toBe(1);
  });
});
