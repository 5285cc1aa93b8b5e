import { createHash } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { Client } from 'pg';
import { basic } from '../support/oauth-clients';
import { call, decodeJwt } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { authorizeUrl, BrowserJar, callbackParams, DEMO_PORTAL, DEMO_SPA, formFields, pkcePair, signIn } from './support/browser-jar';

/**
 * The OpenID Connect code flow over real HTTP, with a cookie jar for a browser: sign-in page, code, PKCE,
 * ID token checked against the JWKS, UserInfo, the services, SSO to a second app, prompt and max_age,
 * refusals, and RP-initiated logout ending every token of the session.
 */
describe('OpenID Connect authorization code flow', () => {
  let system: TestSystem;
  const token = (form: Record<string, string>, headers: Record<string, string> = {}) => call('POST', `${system.issuerUrl}/oauth/token`, { form, headers });
  const spaExchange = (code: string, verifier: string, extra: Record<string, string> = {}) =>
    token({ grant_type: 'authorization_code', code, redirect_uri: DEMO_SPA.redirectUri, code_verifier: verifier, client_id: DEMO_SPA.clientId, ...extra });

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system?.stop());

  /** Signs alice in at demo-spa in a fresh jar; returns the jar and the token response. */
  async function spaSession(scope = 'openid profile', nonce = 'n-0') {
    const jar = new BrowserJar();
    const pkce = pkcePair();
    const back = await signIn(jar, system.issuerUrl, authorizeUrl(system.issuerUrl, { challenge: pkce.challenge, scope, nonce }));
    const { code } = callbackParams(back.location);
    const tokens = await spaExchange(code, pkce.verifier);
    expect(tokens.status).toBe(200);
    return { jar, tokens: tokens.body, code, verifier: pkce.verifier };
  }

  it('discovery advertises the code flow', async () => {
    const { body } = await call('GET', `${system.issuerUrl}/.well-known/openid-configuration`);
    expect(body).toMatchObject({
      authorization_endpoint: `${system.issuerUrl}/oauth/authorize`,
      token_endpoint: `${system.issuerUrl}/oauth/token`,
      userinfo_endpoint: `${system.issuerUrl}/oidc/userinfo`,
      end_session_endpoint: `${system.issuerUrl}/oidc/logout`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']),
      grant_types_supported: expect.arrayContaining(['authorization_code']),
      id_token_signing_alg_values_supported: expect.arrayContaining(['RS256']),
      subject_types_supported: ['public'],
    });
  });

  it('signs in through the form, redeems the code with PKCE, and the tokens work everywhere', async () => {
    const jar = new BrowserJar();
    const pkce = pkcePair();
    const authorize = await jar.get(authorizeUrl(system.issuerUrl, { challenge: pkce.challenge, state: 's-42', nonce: 'nonce-42' }));
    expect(authorize.status).toBe(302);
    const page = await jar.get(authorize.location!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(
      /default-src 'none'; style-src 'sha256-[^']+'; form-action 'self' http:\/\/127\.0\.0\.1:4180\/callback; frame-ancestors 'none'/,
    );
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).toContain('<label for="username">');
    expect(page.text).toContain('<label for="password">');
    const csrfCookie = page.headers.getSetCookie().find((c) => c.startsWith('__Host-login-csrf='))!;
    expect(csrfCookie).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax/);

    const back = await jar.request('POST', `${system.issuerUrl}/oidc/login`, { ...formFields(page.text), username: 'alice', password: 'alice-password' });
    expect(back.status).toBe(303);
    expect(back.location!.startsWith(`${DEMO_SPA.redirectUri}?`)).toBe(true);
    const params = callbackParams(back.location);
    expect(params).toEqual({ code: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), state: 's-42', iss: system.issuerUrl });
    expect(back.headers.getSetCookie().find((c) => c.startsWith('__Host-sso='))).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax/);

    const tokens = await spaExchange(params.code, pkce.verifier);
    expect(tokens.status).toBe(200);
    expect(tokens.headers.get('cache-control')).toBe('no-store');
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile', expires_in: 900 });
    expect(tokens.body.refresh_token).toBeUndefined();

    const jwks = createRemoteJWKSet(new URL(`${system.issuerUrl}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens.body.id_token, jwks, { issuer: system.issuerUrl, audience: 'demo-spa', typ: 'JWT' });
    const access = decodeJwt(tokens.body.access_token).payload;
    expect(protectedHeader.kid).toBe(decodeJwt(tokens.body.access_token).header.kid);
    expect(payload).toMatchObject({ sub: access.sub, nonce: 'nonce-42', sid: expect.any(String), auth_time: expect.any(Number), at_hash: expect.any(String) });
    expect(access).toMatchObject({ aud: ['orders-api', 'billing-api'], client_id: 'demo-spa', scope: 'openid profile' });

    const info = await call('GET', `${system.issuerUrl}/oidc/userinfo`, { token: tokens.body.access_token });
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ sub: access.sub, preferred_username: 'alice', name: 'alice' });
    for (const service of [system.ordersUrl, system.billingUrl]) {
      const me = await call('GET', `${service}/me`, { token: tokens.body.access_token });
      expect({ service, status: me.status, sub: me.body?.sub }).toEqual({ service, status: 200, sub: access.sub });
    }
  });

  it('a second app signs the user in without a password (SSO), with the same sid', async () => {
    const { jar, tokens } = await spaSession();
    const pkce = pkcePair();
    const back = await jar.get(
      authorizeUrl(system.issuerUrl, { clientId: DEMO_PORTAL.clientId, redirectUri: DEMO_PORTAL.redirectUri, challenge: pkce.challenge }),
    );
    expect(back.status).toBe(302);
    const { code } = callbackParams(back.location);
    const portal = await token(
      { grant_type: 'authorization_code', code, redirect_uri: DEMO_PORTAL.redirectUri, code_verifier: pkce.verifier },
      basic(DEMO_PORTAL.clientId, DEMO_PORTAL.secret),
    );
    expect(portal.status).toBe(200);
    const first = decodeJwt(tokens.id_token).payload;
    const second = decodeJwt(portal.body.id_token).payload;
    expect(second).toMatchObject({ aud: 'demo-portal', sid: first.sid, sub: first.sub, auth_time: first.auth_time });
  });

  it('a confidential client must authenticate to redeem its code', async () => {
    const { jar } = await spaSession();
    const pkce = pkcePair();
    const back = await jar.get(
      authorizeUrl(system.issuerUrl, { clientId: DEMO_PORTAL.clientId, redirectUri: DEMO_PORTAL.redirectUri, challenge: pkce.challenge }),
    );
    const { code } = callbackParams(back.location);
    const form = { grant_type: 'authorization_code', code, redirect_uri: DEMO_PORTAL.redirectUri, code_verifier: pkce.verifier };
    expect((await token({ ...form, client_id: DEMO_PORTAL.clientId })).body.error).toBe('invalid_client');
    expect((await token(form, basic(DEMO_PORTAL.clientId, 'wrong-secret-wrong-secret-wrong-secret'))).body.error).toBe('invalid_client');
  });

  describe('prompt and max_age', () => {
    it('prompt=none without a session answers login_required on the redirect URI', async () => {
      const back = await new BrowserJar().get(authorizeUrl(system.issuerUrl, { state: 'quiet', extra: { prompt: 'none' } }));
      expect(back.status).toBe(302);
      expect(callbackParams(back.location)).toMatchObject({ error: 'login_required', state: 'quiet', iss: system.issuerUrl });
    });

    it('prompt=none with a session returns a code at once', async () => {
      const { jar } = await spaSession();
      const back = await jar.get(authorizeUrl(system.issuerUrl, { extra: { prompt: 'none' } }));
      expect(callbackParams(back.location).code).toBeDefined();
    });

    it.each([
      ['prompt=login', { prompt: 'login' }],
      ['max_age=0', { max_age: '0' }],
    ])('%s sends a signed-in user to the form again, and keeps the sid', async (_name, extra) => {
      const { jar, tokens } = await spaSession();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const pkce = pkcePair();
      const back = await signIn(jar, system.issuerUrl, authorizeUrl(system.issuerUrl, { challenge: pkce.challenge, extra }));
      const again = await spaExchange(callbackParams(back.location).code, pkce.verifier);
      const before = decodeJwt(tokens.id_token).payload;
      const after = decodeJwt(again.body.id_token).payload;
      expect(after.sid).toBe(before.sid);
      expect(after.auth_time).toBeGreaterThan(before.auth_time);
    });

    it('prompt=none with an expired max_age is login_required', async () => {
      const { jar } = await spaSession();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const back = await jar.get(authorizeUrl(system.issuerUrl, { extra: { prompt: 'none', max_age: '0' } }));
      expect(callbackParams(back.location).error).toBe('login_required');
    });
  });

  describe('code redemption refusals', () => {
    it('a replayed code is invalid_grant and revokes the tokens from its first use', async () => {
      const { tokens, code, verifier } = await spaSession('openid offline_access');
      expect(tokens.refresh_token).toBeDefined();
      const replay = await spaExchange(code, verifier);
      expect(replay.status).toBe(400);
      expect(replay.body.error).toBe('invalid_grant');
      expect((await call('GET', `${system.ordersUrl}/me`, { token: tokens.access_token })).status).toBe(401);
      const refresh = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: DEMO_SPA.clientId });
      expect(refresh.body.error).toBe('invalid_grant');
    });

    it.each([
      ['a wrong verifier', (v: string) => ({ code_verifier: `${v.slice(0, -2)}xx` })],
      ['no verifier', () => ({ code_verifier: '' })],
      ['the challenge instead of the verifier', (_v: string, c: string) => ({ code_verifier: c })],
      ['another redirect_uri', () => ({ redirect_uri: 'http://127.0.0.1:4180/callback2' })],
      ['no redirect_uri', () => ({ redirect_uri: '' })],
    ])('%s is invalid_grant, and spends the code', async (_name, change) => {
      const jar = new BrowserJar();
      const pkce = pkcePair();
      const back = await signIn(jar, system.issuerUrl, authorizeUrl(system.issuerUrl, { challenge: pkce.challenge }));
      const { code } = callbackParams(back.location);
      const wrong = await spaExchange(code, pkce.verifier, change(pkce.verifier, pkce.challenge));
      expect({ status: wrong.status, error: wrong.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
      expect((await spaExchange(code, pkce.verifier)).body.error).toBe('invalid_grant');
    });

    it('a code of another client is refused', async () => {
      const jar = new BrowserJar();
      const pkce = pkcePair();
      const back = await signIn(jar, system.issuerUrl, authorizeUrl(system.issuerUrl, { challenge: pkce.challenge }));
      const { code } = callbackParams(back.location);
      const stolen = await token(
        { grant_type: 'authorization_code', code, redirect_uri: DEMO_SPA.redirectUri, code_verifier: pkce.verifier },
        basic(DEMO_PORTAL.clientId, DEMO_PORTAL.secret),
      );
      expect(stolen.body.error).toBe('invalid_grant');
    });

    it('an expired code is invalid_grant', async () => {
      const pkce = pkcePair();
      const back = await signIn(new BrowserJar(), system.issuerUrl, authorizeUrl(system.issuerUrl, { challenge: pkce.challenge }));
      const { code } = callbackParams(back.location);
      const db = new Client({ connectionString: system.databaseUrl });
      await db.connect();
      const hash = createHash('sha256').update(code).digest('base64url');
      // Only the hash is stored; its lifetime is at most 60 s.
      const row = await db.query('SELECT extract(epoch FROM expires_at - now()) AS ttl FROM authorization_codes WHERE code_hash = $1', [hash]);
      expect(Number(row.rows[0].ttl)).toBeLessThanOrEqual(60);
      await db.query("UPDATE authorization_codes SET expires_at = now() - interval '1 second' WHERE code_hash = $1", [hash]);
      await db.end();
      expect((await spaExchange(code, pkce.verifier)).body.error).toBe('invalid_grant');
    });

    it('an unknown or garbage code is invalid_grant', async () => {
      for (const code of ['x', 'A'.repeat(43), '%00', 'a'.repeat(5000)]) {
        const result = await spaExchange(code, pkcePair().verifier);
        expect({ code: code.slice(0, 8), status: result.status, error: result.body?.error }).toEqual({
          code: code.slice(0, 8),
          status: 400,
          error: 'invalid_grant',
        });
      }
    });
  });

  describe('authorization request refusals', () => {
    const redirected = async (extra: Record<string, string>, options = {}) => {
      const back = await new BrowserJar().get(authorizeUrl(system.issuerUrl, { ...options, extra }));
      expect(back.status).toBe(302);
      expect(back.location!.startsWith(`${DEMO_SPA.redirectUri}?`)).toBe(true);
      return callbackParams(back.location);
    };

    it.each([
      ['plain PKCE', { code_challenge_method: 'plain' }, 'invalid_request'],
      ['no PKCE', { code_challenge: '', code_challenge_method: '' }, 'invalid_request'],
      ['a short challenge', { code_challenge: 'abc' }, 'invalid_request'],
      ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
      ['response_mode=fragment', { response_mode: 'fragment' }, 'invalid_request'],
      ['no openid scope', { scope: 'profile' }, 'invalid_scope'],
      ['an unknown scope', { scope: 'openid admin' }, 'invalid_scope'],
      ['prompt=none login', { prompt: 'none login' }, 'invalid_request'],
      ['a request object', { request: 'eyJ.eyJ.x' }, 'request_not_supported'],
      ['max_age=-1', { max_age: '-1' }, 'invalid_request'],
    ])('%s: error %s on the redirect URI, state kept', async (_name, extra, error) => {
      expect(await redirected(extra)).toMatchObject({ error, state: 'state-1', iss: system.issuerUrl });
    });

    it.each([
      ['an unknown client', { clientId: 'nobody' }],
      ['a missing client_id', { clientId: '' }],
      ['an unregistered redirect URI', { redirectUri: 'https://evil.example/callback' }],
      ['a redirect URI with another port', { redirectUri: 'http://127.0.0.1:4181/callback' }],
      ['a redirect URI with a longer path', { redirectUri: 'http://127.0.0.1:4180/callback/../evil' }],
      ['a redirect URI with a query added', { redirectUri: 'http://127.0.0.1:4180/callback?next=https://evil.example' }],
      ['a redirect URI with a fragment', { redirectUri: 'http://127.0.0.1:4180/callback#x' }],
      ["another client's redirect URI", { redirectUri: DEMO_PORTAL.redirectUri }],
    ])('%s is shown on the issuer page (400), never redirected', async (_name, options) => {
      const back = await new BrowserJar().get(authorizeUrl(system.issuerUrl, options));
      expect(back.status).toBe(400);
      expect(back.location).toBeUndefined();
      expect(back.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(back.text).toContain('role="alert"');
      expect(back.text).not.toContain('evil.example');
    });

    it('a repeated redirect_uri or client_id is never redirected', async () => {
      const url = `${authorizeUrl(system.issuerUrl)}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`;
      const back = await new BrowserJar().get(url);
      expect({ status: back.status, location: back.location }).toEqual({ status: 400, location: undefined });
    });
  });

  describe('the sign-in form', () => {
    const challenge = pkcePair().challenge;
    const openForm = async (jar = new BrowserJar()) => {
      const authorize = await jar.get(authorizeUrl(system.issuerUrl, { challenge }));
      const page = await jar.get(authorize.location!);
      return { jar, fields: formFields(page.text) };
    };

    it('refuses a post without the CSRF token, or with a token from another browser (400)', async () => {
      const { jar, fields } = await openForm();
      const { fields: other } = await openForm();
      for (const csrf of ['', 'x', other.csrf]) {
        const result = await jar.request('POST', `${system.issuerUrl}/oidc/login`, { ...fields, csrf, username: 'alice', password: 'alice-password' });
        expect({ status: result.status, location: result.location, session: result.headers.getSetCookie().some((c) => c.startsWith('__Host-sso=')) }).toEqual({
          status: 400,
          location: undefined,
          session: false,
        });
      }
      const stranger = new BrowserJar();
      const noCookie = await stranger.request('POST', `${system.issuerUrl}/oidc/login`, { ...fields, username: 'alice', password: 'alice-password' });
      expect(noCookie.status).toBe(400);
    });

    it('answers a wrong password and an unknown user alike, announced to assistive technology', async () => {
      const texts: string[] = [];
      for (const [username, password] of [
        ['alice', 'wrong-password'],
        ['nobody', 'wrong-password'],
      ]) {
        const { jar, fields } = await openForm();
        const result = await jar.request('POST', `${system.issuerUrl}/oidc/login`, { ...fields, username, password });
        expect(result.status).toBe(401);
        expect(result.text).toContain('role="alert"');
        texts.push(result.text.replace(/name="csrf" value="[^"]*"/, '').replace(new RegExp(`value="${username}"`), ''));
      }
      expect(texts[0]).toBe(texts[1]);
    });

    it('escapes what it echoes', async () => {
      const { jar, fields } = await openForm();
      const result = await jar.request('POST', `${system.issuerUrl}/oidc/login`, { ...fields, username: '"><script>alert(1)</script>', password: 'x' });
      expect(result.text).not.toContain('<script>');
    });
  });

  describe('refresh with offline_access', () => {
    it('rotates under the usual rules and keeps the client, audiences and scope', async () => {
      const { tokens } = await spaSession('openid profile offline_access');
      const refreshed = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: DEMO_SPA.clientId });
      expect(refreshed.status).toBe(200);
      expect(decodeJwt(refreshed.body.access_token).payload).toMatchObject({
        client_id: 'demo-spa',
        aud: ['orders-api', 'billing-api'],
        scope: 'openid profile offline_access',
      });
      expect(refreshed.body.refresh_token).not.toBe(tokens.refresh_token);
      expect((await call('GET', `${system.ordersUrl}/me`, { token: tokens.access_token })).status).toBe(401);
      // Bound to its client: no client_id, or another one, is refused.
      expect((await token({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token })).body.error).toBe('invalid_grant');
    });
  });

  describe('RP-initiated logout', () => {
    it('ends the issuer session and every token of its sid at every service, then returns to the registered URI', async () => {
      const { jar, tokens } = await spaSession('openid offline_access');
      const pkce = pkcePair();
      const portalBack = await jar.get(
        authorizeUrl(system.issuerUrl, { clientId: DEMO_PORTAL.clientId, redirectUri: DEMO_PORTAL.redirectUri, challenge: pkce.challenge }),
      );
      const portal = await token(
        {
          grant_type: 'authorization_code',
          code: callbackParams(portalBack.location).code,
          redirect_uri: DEMO_PORTAL.redirectUri,
          code_verifier: pkce.verifier,
        },
        basic(DEMO_PORTAL.clientId, DEMO_PORTAL.secret),
      );
      for (const access of [tokens.access_token, portal.body.access_token])
        expect((await call('GET', `${system.billingUrl}/me`, { token: access })).status).toBe(200);

      const logout = await jar.get(
        `${system.issuerUrl}/oidc/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: DEMO_SPA.postLogout, state: 'bye' }).toString()}`,
      );
      expect(logout.status).toBe(302);
      expect(logout.location).toBe(`${DEMO_SPA.postLogout}?state=bye`);
      for (const access of [tokens.access_token, portal.body.access_token]) {
        for (const service of [system.ordersUrl, system.billingUrl]) expect((await call('GET', `${service}/me`, { token: access })).status).toBe(401);
        expect((await call('GET', `${system.issuerUrl}/oidc/userinfo`, { token: access })).status).toBe(401);
      }
      expect((await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: DEMO_SPA.clientId })).body.error).toBe(
        'invalid_grant',
      );
      const quiet = await jar.get(authorizeUrl(system.issuerUrl, { extra: { prompt: 'none' } }));
      expect(callbackParams(quiet.location).error).toBe('login_required');
    });

    it.each([
      ['an unregistered post-logout URI', (hint: string) => ({ id_token_hint: hint, post_logout_redirect_uri: 'https://evil.example/' })],
      ["another client's post-logout URI", (hint: string) => ({ id_token_hint: hint, post_logout_redirect_uri: DEMO_PORTAL.postLogout })],
      ['no id_token_hint', () => ({ post_logout_redirect_uri: DEMO_SPA.postLogout })],
      ['a forged hint', (hint: string) => ({ id_token_hint: `${hint.slice(0, -4)}AAAA`, post_logout_redirect_uri: DEMO_SPA.postLogout })],
    ])('%s is refused on the issuer page and ends nothing', async (_name, params) => {
      const { tokens } = await spaSession();
      const result = await call('GET', `${system.issuerUrl}/oidc/logout?${new URLSearchParams(params(tokens.id_token)).toString()}`);
      expect({ status: result.status, location: result.headers.get('location') }).toEqual({ status: 400, location: null });
      expect((await call('GET', `${system.ordersUrl}/me`, { token: tokens.access_token })).status).toBe(200);
    });
  });
});
