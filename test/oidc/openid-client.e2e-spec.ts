import * as client from 'openid-client';
import { call } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { discover } from '../interop/support/libraries';
import { BrowserJar, DEMO_PORTAL, DEMO_SPA, formFields } from './support/browser-jar';

/**
 * openid-client 6 as the relying party of both demo clients: discovery, authorization URL with PKCE, the
 * sign-in form, callback with state and nonce checks, ID token validation, UserInfo, refresh, RP-initiated logout.
 */
describe('openid-client signs users in through the issuer', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system?.stop());

  /** Follows the browser part: authorize → sign-in page (or SSO) → the callback URL the app receives. */
  async function browse(jar: BrowserJar, url: URL): Promise<URL> {
    let hop = await jar.get(url.toString());
    if (hop.location?.startsWith(`${system.issuerUrl}/oidc/login`)) {
      const page = await jar.get(hop.location);
      hop = await jar.request('POST', `${system.issuerUrl}/oidc/login`, { ...formFields(page.text), username: 'alice', password: 'alice-password' });
    }
    if (!hop.location) throw new Error(`no redirect: ${hop.status} ${hop.text}`);
    return new URL(hop.location);
  }

  async function signInWith(config: client.Configuration, redirectUri: string, jar: BrowserJar, scope = 'openid profile offline_access') {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const callback = await browse(jar, url);
    return client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  }

  it.each([
    ['public demo-spa (auth method none)', DEMO_SPA.clientId, DEMO_SPA.redirectUri, () => client.None()],
    ['confidential demo-portal (client_secret_basic)', DEMO_PORTAL.clientId, DEMO_PORTAL.redirectUri, () => client.ClientSecretBasic(DEMO_PORTAL.secret)],
  ])('%s: code flow, UserInfo, refresh and logout', async (_name, clientId, redirectUri, auth) => {
    const config = await discover(system.issuerUrl, clientId, auth());
    expect(config.serverMetadata().supportsPKCE()).toBe(true);
    const jar = new BrowserJar();
    const tokens = await signInWith(config, redirectUri, jar);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: system.issuerUrl, aud: clientId, sid: expect.any(String), auth_time: expect.any(Number) });

    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ sub: claims.sub, preferred_username: 'alice' });
    const orders = await client.fetchProtectedResource(config, tokens.access_token, new URL(`${system.ordersUrl}/me`), 'GET');
    expect(orders.status).toBe(200);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);

    const logout = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: redirectUri.replace('/callback', '/'),
      state: 'done',
    });
    const back = await jar.get(logout.toString());
    expect(back.location).toBe(`${redirectUri.replace('/callback', '/')}?state=done`);
    expect((await call('GET', `${system.ordersUrl}/me`, { token: refreshed.access_token })).status).toBe(401);
  });

  it('the second client signs in through SSO without the form', async () => {
    const jar = new BrowserJar();
    const spa = await discover(system.issuerUrl, DEMO_SPA.clientId, client.None());
    const first = await signInWith(spa, DEMO_SPA.redirectUri, jar, 'openid');
    const portal = await discover(system.issuerUrl, DEMO_PORTAL.clientId, client.ClientSecretBasic(DEMO_PORTAL.secret));
    const before = jar.cookies.get('__Host-sso');
    const second = await signInWith(portal, DEMO_PORTAL.redirectUri, jar, 'openid');
    expect(jar.cookies.get('__Host-sso')).toBe(before);
    expect(second.claims()!.sid).toBe(first.claims()!.sid);
  });
});
