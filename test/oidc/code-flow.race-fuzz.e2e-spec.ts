import fc from 'fast-check';
import { call } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { fuzzParameters } from '../fuzz/support/fuzz-settings';
import { authorizeUrl, BrowserJar, callbackParams, DEMO_SPA, formFields, pkcePair, signIn } from './support/browser-jar';

jest.setTimeout(180_000);

/**
 * The code flow under concurrency and garbage: one code redeemed twice at once, one logout racing a
 * redemption; generated query strings at /oauth/authorize and /oidc/logout and generated bodies at the
 * sign-in form, each answered below 500 with nothing signed in.
 */
describe('code flow: races and generated input', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system?.stop());

  const exchange = (code: string, verifier: string) =>
    call('POST', `${system.issuerUrl}/oauth/token`, {
      form: { grant_type: 'authorization_code', code, redirect_uri: DEMO_SPA.redirectUri, code_verifier: verifier, client_id: DEMO_SPA.clientId },
    });

  it('the same code redeemed twice at once: exactly one success', async () => {
    for (let round = 0; round < 5; round++) {
      const pkce = pkcePair();
      const back = await signIn(
        new BrowserJar(),
        system.issuerUrl,
        authorizeUrl(system.issuerUrl, { challenge: pkce.challenge, scope: 'openid offline_access' }),
      );
      const { code } = callbackParams(back.location);
      const results = await Promise.all([exchange(code, pkce.verifier), exchange(code, pkce.verifier), exchange(code, pkce.verifier)]);
      const statuses = results.map((r) => r.status).sort();
      expect({ round, statuses }).toEqual({ round, statuses: [200, 400, 400] });
      for (const failed of results.filter((r) => r.status === 400)) expect(failed.body.error).toBe('invalid_grant');
    }
  });

  it('a logout racing a redemption never leaves a live token of the ended session', async () => {
    for (let round = 0; round < 5; round++) {
      const jar = new BrowserJar();
      const first = pkcePair();
      const back = await signIn(jar, system.issuerUrl, authorizeUrl(system.issuerUrl, { challenge: first.challenge }));
      const tokens = (await exchange(callbackParams(back.location).code, first.verifier)).body;
      const second = pkcePair();
      const again = await jar.get(authorizeUrl(system.issuerUrl, { challenge: second.challenge }));
      const logoutUrl = `${system.issuerUrl}/oidc/logout?${new URLSearchParams({ id_token_hint: tokens.id_token }).toString()}`;
      const [raced] = await Promise.all([exchange(callbackParams(again.location).code, second.verifier), call('GET', logoutUrl)]);
      if (raced.status === 200)
        expect({ round, me: (await call('GET', `${system.ordersUrl}/me`, { token: raced.body.access_token })).status }).toEqual({ round, me: 401 });
      else expect(raced.body.error).toBe('invalid_grant');
    }
  });

  const junk = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ maxLength: 20, unit: 'grapheme' }),
    fc.constantFrom('', '%', '%ZZ', '\u0000', 'S256', 'plain', 'code', 'openid', 'none', DEMO_SPA.clientId, DEMO_SPA.redirectUri, 'https://evil.example/'),
  );
  const names = fc.constantFrom(
    'client_id',
    'redirect_uri',
    'response_type',
    'scope',
    'state',
    'nonce',
    'code_challenge',
    'code_challenge_method',
    'prompt',
    'max_age',
    'response_mode',
    'request',
    'id_token_hint',
    'post_logout_redirect_uri',
    '__proto__',
    'constructor',
  );
  const query = fc
    .array(fc.tuple(names, junk), { maxLength: 10 })
    .map((pairs) => pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&'));
  const rawQuery = fc.oneof(
    query,
    fc.string({ maxLength: 200 }).map((s) => s.replace(/[#\s]/g, '')),
  );

  it('generated query strings at /oauth/authorize, /oidc/login and /oidc/logout: 4xx or a redirect, never 5xx, never an unregistered target', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/oauth/authorize', '/oidc/login', '/oidc/logout'), rawQuery, async (path, q) => {
        const result = await new BrowserJar().get(`${system.issuerUrl}${path}?${q}`);
        expect(result.status).toBeLessThan(500);
        if (result.location)
          expect(result.location.startsWith(`${DEMO_SPA.redirectUri}?`) || result.location.startsWith(`${system.issuerUrl}/oidc/login`)).toBe(true);
      }),
      fuzzParameters(0.5),
    );
  });

  it('generated bodies at the sign-in form: 4xx, never 5xx, never a session', async () => {
    const jar = new BrowserJar();
    const authorize = await jar.get(authorizeUrl(system.issuerUrl));
    const fields = formFields((await jar.get(authorize.location!)).text);
    const fieldNames = fc.constantFrom('csrf', 'authorize', 'username', 'password', 'username[]', '__proto__', 'x');
    const value = fc.oneof(junk, fc.constantFrom(fields.csrf, fields.authorize, 'alice', 'a'.repeat(5000)));
    const body = fc.oneof(
      fc
        .array(fc.tuple(fieldNames, value), { maxLength: 8 })
        .map((pairs) => pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&')),
      fc
        .record({ username: junk, password: junk, authorize: fc.oneof(junk, fc.constant(fields.authorize)) })
        .map((f) => new URLSearchParams({ ...f, csrf: fields.csrf }).toString()),
      fc.string({ maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (form) => {
        const result = await jar.request('POST', `${system.issuerUrl}/oidc/login`, form);
        expect(result.status).toBeGreaterThanOrEqual(400);
        expect(result.status).toBeLessThan(500);
        expect(result.headers.getSetCookie().some((c) => c.startsWith('__Host-sso='))).toBe(false);
      }),
      fuzzParameters(0.5),
    );
  });
});
