import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as client from 'openid-client';
import { FIRST_PARTY_CLIENT_ID } from '@app/contract';
import { call, login } from '../support/http';
import { createClient } from '../support/oauth-clients';
import { startTestSystem, TestSystem } from '../support/test-system';
import { discover, LIBRARY_VERSIONS, rejection } from './support/libraries';

/**
 * openid-client (v6, on oauth4webapi) as an outside client would use it: discovery, client_credentials
 * with both secret methods, RFC 7662 introspection, RFC 7009 revocation, the refresh_token grant for
 * first-party sessions, and parsing of the resource services' RFC 6750 challenges.
 */
describe('openid-client against the issuer', () => {
  let system: TestSystem;
  let caller: { id: string; secret: string };
  let ordersRs: { id: string; secret: string };

  beforeAll(async () => {
    system = await startTestSystem();
    caller = await createClient(system.databaseUrl, 'orders-to-billing', 'invoices:read invoices:write', 'billing-api');
    ordersRs = await createClient(system.databaseUrl, 'orders-rs', 'orders:read', 'orders-api');
  });
  afterAll(() => system?.stop());

  const basic = () => discover(system.issuerUrl, caller.id, client.ClientSecretBasic(caller.secret));
  const post = () => discover(system.issuerUrl, caller.id, client.ClientSecretPost(caller.secret));
  const firstParty = (clientId = FIRST_PARTY_CLIENT_ID) => discover(system.issuerUrl, clientId, client.None());

  it('docs/interop.md names the library versions this suite runs', () => {
    const doc = readFileSync(join(__dirname, '../../docs/interop.md'), 'utf8');
    for (const [name, version] of Object.entries(LIBRARY_VERSIONS))
      // Table cells may be padded (Prettier aligns markdown tables).
      expect({ name, listed: new RegExp(`/${escapeRegExp(name)}\\)\\s*\\|\\s*${escapeRegExp(version)}\\s*\\|`).test(doc) }).toEqual({ name, listed: true });
  });

  describe('discovery', () => {
    it('accepts the OpenID configuration and the RFC 8414 document, which are the same', async () => {
      const oidc = (await discover(system.issuerUrl, caller.id)).serverMetadata();
      const oauth2 = (await discover(system.issuerUrl, caller.id, undefined, 'oauth2')).serverMetadata();
      expect(oauth2).toEqual(oidc);
      expect(oidc).toMatchObject({
        issuer: system.issuerUrl,
        jwks_uri: `${system.issuerUrl}/.well-known/jwks.json`,
        token_endpoint: `${system.issuerUrl}/oauth/token`,
        revocation_endpoint: `${system.issuerUrl}/oauth/revoke`,
        introspection_endpoint: `${system.issuerUrl}/oauth/introspect`,
        response_types_supported: expect.any(Array),
        subject_types_supported: ['public'],
        grant_types_supported: expect.arrayContaining(['client_credentials', 'refresh_token']),
        token_endpoint_auth_methods_supported: expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']),
        introspection_endpoint_auth_methods_supported: expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
        // OpenID Connect Discovery §3: RS256 MUST be listed.
        id_token_signing_alg_values_supported: expect.arrayContaining(['RS256']),
      });
      for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
        const raw = await call('GET', `${system.issuerUrl}${path}`);
        expect({ path, type: raw.headers.get('content-type'), cache: raw.headers.get('cache-control') }).toEqual({
          path,
          type: 'application/json; charset=utf-8',
          cache: expect.stringMatching(/max-age=\d+/),
        });
      }
    });
  });

  describe('client_credentials', () => {
    it.each([
      ['client_secret_basic', basic],
      ['client_secret_post', post],
      [
        'the default (a secret: client_secret_post)',
        () => client.discovery(new URL(system.issuerUrl), caller.id, caller.secret, undefined, { execute: [client.allowInsecureRequests] }),
      ],
    ])('issues a token with %s that the target service accepts', async (_method, configure) => {
      const config = await configure();
      const tokens = await client.clientCredentialsGrant(config, { scope: 'invoices:read', resource: 'billing-api' });
      expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'invoices:read', expires_in: 900 });
      expect(tokens.refresh_token).toBeUndefined();
      const response = await client.fetchProtectedResource(config, tokens.access_token, new URL(`${system.billingUrl}/invoices/summary`), 'GET');
      expect(response.status).toBe(200);
    });

    it('surfaces RFC 6749 §5.2 errors as ResponseBodyError with the code', async () => {
      const config = await basic();
      const refusals: [string, () => Promise<unknown>, number, string][] = [
        ['scope outside the allowed ones', () => client.clientCredentialsGrant(config, { scope: 'admin' }), 400, 'invalid_scope'],
        ['audience outside the allowed ones', () => client.clientCredentialsGrant(config, { resource: 'orders-api' }), 400, 'invalid_target'],
        [
          'unsupported grant',
          () => client.genericGrantRequest(config, 'password', { username: 'alice', password: 'alice-password' }),
          400,
          'unsupported_grant_type',
        ],
        ['refresh token never issued', () => client.refreshTokenGrant(config, 'x'.repeat(43)), 400, 'invalid_grant'],
      ];
      for (const [name, request, status, code] of refusals) {
        const error = await rejection(request());
        expect({ name, type: error?.constructor?.name, status: error.status, code: error.error }).toEqual({ name, type: 'ResponseBodyError', status, code });
      }
    });

    it('answers bad client credentials with 401, a Basic challenge and invalid_client, for either method', async () => {
      for (const auth of [client.ClientSecretBasic('wrong-secret'), client.ClientSecretPost('wrong-secret'), client.None()]) {
        const config = await discover(system.issuerUrl, caller.id, auth);
        const error = await rejection(client.clientCredentialsGrant(config));
        expect(error).toBeInstanceOf(client.WWWAuthenticateChallengeError);
        expect(error.status).toBe(401);
        expect(error.cause).toEqual([{ scheme: 'basic', parameters: { realm: expect.any(String) } }]);
        expect(await error.response.json()).toMatchObject({ error: 'invalid_client' });
      }
    });
  });

  describe('introspection and revocation', () => {
    const rsConfig = () => discover(system.issuerUrl, ordersRs.id, client.ClientSecretBasic(ordersRs.secret));

    it('introspects client and user tokens with the RFC 7662 members', async () => {
      const own = await client.clientCredentialsGrant(await basic(), { scope: 'invoices:read' });
      const seen = await client.tokenIntrospection(await post(), own.access_token);
      expect(seen).toEqual({
        active: true,
        token_type: 'Bearer',
        client_id: caller.id,
        sub: caller.id,
        scope: 'invoices:read',
        aud: 'billing-api',
        iss: system.issuerUrl,
        exp: expect.any(Number),
        iat: expect.any(Number),
        jti: expect.any(String),
        roles: [],
      });

      const user = await login(system.issuerUrl, 'alice', 'alice-password');
      const asRs = await client.tokenIntrospection(await rsConfig(), user.access_token);
      expect(asRs).toMatchObject({
        active: true,
        token_type: 'Bearer',
        client_id: FIRST_PARTY_CLIENT_ID,
        roles: ['user'],
        aud: expect.arrayContaining(['orders-api']),
      });
      // Not for a service this client may call, and never a refresh token.
      expect(await client.tokenIntrospection(await rsConfig(), own.access_token)).toEqual({ active: false });
      expect(await client.tokenIntrospection(await rsConfig(), user.refresh_token)).toEqual({ active: false });
      expect(await client.tokenIntrospection(await rsConfig(), 'not-a-token')).toEqual({ active: false });
    });

    it('revokes an access token (RFC 7009): refused at the service at once, inactive on introspection', async () => {
      const config = await basic();
      const { access_token } = await client.clientCredentialsGrant(config, {});
      const at = new URL(`${system.billingUrl}/invoices/summary`);
      expect((await client.fetchProtectedResource(config, access_token, at, 'GET')).status).toBe(200);
      await client.tokenRevocation(config, access_token, { token_type_hint: 'access_token' });
      expect(await client.tokenIntrospection(config, access_token)).toEqual({ active: false });
      const refused = await rejection(client.fetchProtectedResource(config, access_token, at, 'GET'));
      expect(refused).toBeInstanceOf(client.WWWAuthenticateChallengeError);
      // Unknown and repeated tokens are not errors (§2.2).
      await client.tokenRevocation(config, access_token);
      await client.tokenRevocation(config, 'never-issued');
    });
  });

  describe('first-party sessions (refresh token from /auth/login)', () => {
    it.each([
      ['the first-party client id', FIRST_PARTY_CLIENT_ID],
      ['any unregistered public client id', 'my-spa'],
    ])('refreshes with client authentication "none" and %s, rotating the refresh token', async (_name, clientId) => {
      const config = await firstParty(clientId);
      const session = await login(system.issuerUrl, 'alice', 'alice-password');
      const next = await client.refreshTokenGrant(config, session.refresh_token);
      expect(next).toMatchObject({ token_type: 'bearer', expires_in: 900, refresh_token: expect.any(String) });
      expect(next.refresh_token).not.toBe(session.refresh_token);
      const me = await client.fetchProtectedResource(config, next.access_token, new URL(`${system.ordersUrl}/me`), 'GET');
      expect(await me.json()).toMatchObject({ roles: ['user'], client_id: FIRST_PARTY_CLIENT_ID });

      // Reuse of the spent token ends the family: the rotated one stops working too.
      expect((await rejection(client.refreshTokenGrant(config, session.refresh_token))).error).toBe('invalid_grant');
      expect((await rejection(client.refreshTokenGrant(config, next.refresh_token!))).error).toBe('invalid_grant');
    });

    it('revokes a refresh token with client authentication "none"', async () => {
      const config = await firstParty();
      const session = await login(system.issuerUrl, 'alice', 'alice-password');
      await client.tokenRevocation(config, session.refresh_token, { token_type_hint: 'refresh_token' });
      expect((await rejection(client.refreshTokenGrant(config, session.refresh_token))).error).toBe('invalid_grant');
    });

    it('still refuses a registered (confidential) client id that presents no secret', async () => {
      const session = await login(system.issuerUrl, 'alice', 'alice-password');
      const error = await rejection(client.refreshTokenGrant(await firstParty(caller.id), session.refresh_token));
      expect({ status: error.status, body: await error.response.json() }).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      // Nothing was spent.
      expect((await client.refreshTokenGrant(await firstParty(), session.refresh_token)).access_token).toEqual(expect.any(String));
    });

    it('gives a public client id nothing a confidential client needs its secret for', async () => {
      const config = await firstParty('my-spa');
      for (const [name, request] of [
        ['client_credentials', () => client.clientCredentialsGrant(config)],
        ['introspection', () => client.tokenIntrospection(config, 'x')],
      ] as const) {
        const error = await rejection(request());
        expect({ name, status: error.status, body: await error.response.json() }).toMatchObject({ name, status: 401, body: { error: 'invalid_client' } });
      }
      const { access_token } = await client.clientCredentialsGrant(await basic());
      expect((await rejection(client.tokenRevocation(config, access_token))).error).toBe('unauthorized_client');
      expect(await client.tokenIntrospection(await basic(), access_token)).toMatchObject({ active: true });
    });
  });

  describe('RFC 6750 challenges of the resource services', () => {
    it('parse as Bearer challenges with realm and error', async () => {
      const config = await firstParty();
      const { access_token } = await login(system.issuerUrl, 'alice', 'alice-password');
      const cases: [string, string, string, number, Record<string, string>][] = [
        ['invalid token', 'abc.def.ghi', `${system.ordersUrl}/me`, 401, { realm: 'orders-api', error: 'invalid_token' }],
        ['missing role', access_token, `${system.ordersUrl}/admin/ping`, 403, { realm: 'orders-api', error: 'insufficient_scope' }],
        ['missing role at the issuer', access_token, `${system.issuerUrl}/admin/keys`, 403, { realm: system.issuerUrl, error: 'insufficient_scope' }],
      ];
      for (const [name, token, url, status, parameters] of cases) {
        const error = await rejection(client.fetchProtectedResource(config, token, new URL(url), 'GET'));
        expect({ name, status: error.status, challenges: error.cause }).toEqual({ name, status, challenges: [{ scheme: 'bearer', parameters }] });
      }
    });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
