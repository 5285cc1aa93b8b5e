import fc from 'fast-check';
import { Client } from 'pg';
import { call } from '../support/http';
import { runClientsCreate } from '../support/oauth-clients';
import { startTestSystem, TestSystem } from '../support/test-system';
import { fuzzParameters } from '../fuzz/support/fuzz-settings';
import { authorizeUrl, BrowserJar, callbackParams, formFields, pkcePair, signIn, type JarResponse } from './support/browser-jar';

jest.setTimeout(180_000);

const THIRD = { clientId: 'third-app', redirectUri: 'http://127.0.0.1:4190/callback' };

/**
 * The consent screen over real HTTP: a client without --first-party shows it after sign-in; Allow gives a code
 * and is remembered for the same or fewer scopes; Deny, prompt=consent, prompt=none, CSRF; two Allows at once
 * leave one row; generated form bodies are 4xx.
 */
describe('OpenID Connect consent', () => {
  let system: TestSystem;
  let db: Client;
  const authorize = (extra: Parameters<typeof authorizeUrl>[1] = {}) =>
    authorizeUrl(system.issuerUrl, { clientId: THIRD.clientId, redirectUri: THIRD.redirectUri, ...extra });
  const consentRows = async (clientId = THIRD.clientId) => (await db.query('SELECT subject, scopes FROM oidc_consents WHERE client_id = $1', [clientId])).rows;
  const allow = (jar: BrowserJar, page: JarResponse, decision = 'allow') =>
    jar.request('POST', `${system.issuerUrl}/oidc/consent`, { ...formFields(page.text), decision });

  beforeAll(async () => {
    system = await startTestSystem();
    const created = await runClientsCreate(system.databaseUrl, [
      '--id',
      THIRD.clientId,
      '--type',
      'public',
      '--audiences',
      'orders-api,billing-api',
      '--redirect-uris',
      THIRD.redirectUri,
    ]);
    expect(created.code).toBe(0);
    db = new Client({ connectionString: system.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await system?.stop();
  });

  it('after sign-in, a non-first-party client gets the consent page; Allow gives a code; the next time it is skipped', async () => {
    const jar = new BrowserJar();
    const pkce = pkcePair();
    const page = await signIn(jar, system.issuerUrl, authorize({ challenge: pkce.challenge, state: 'st-1', scope: 'openid profile' }));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'sha256-[^']+'; form-action 'self' http:\/\/127\.0\.0\.1:4190\/callback; frame-ancestors 'none'; base-uri 'none'$/,
    );
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).not.toContain('<script');
    expect(page.text).toContain('third-app');
    expect(page.text).toContain('See your username and name');
    expect(page.text).toContain('<li>orders-api</li>');
    expect(page.text).toContain('<li>billing-api</li>');
    expect(page.text).toMatch(
      /<button type="submit" name="decision" value="allow" autofocus>Allow<\/button><button type="submit" name="decision" value="deny"/,
    );

    const back = await allow(jar, page);
    expect(back.status).toBe(303);
    const params = callbackParams(back.location);
    expect(back.location!.startsWith(`${THIRD.redirectUri}?`)).toBe(true);
    expect(params).toEqual({ code: expect.any(String), state: 'st-1', iss: system.issuerUrl });
    const tokens = await call('POST', `${system.issuerUrl}/oauth/token`, {
      form: { grant_type: 'authorization_code', code: params.code, redirect_uri: THIRD.redirectUri, code_verifier: pkce.verifier, client_id: THIRD.clientId },
    });
    expect(tokens.status).toBe(200);
    expect(await consentRows()).toEqual([{ subject: expect.any(String), scopes: ['openid', 'profile'] }]);

    // Same scopes, then fewer: no page, a code at once.
    for (const scope of ['openid profile', 'openid']) {
      const again = await jar.get(authorize({ scope, state: 'st-2' }));
      expect({ scope, status: again.status }).toEqual({ scope, status: 302 });
      expect(callbackParams(again.location)).toMatchObject({ code: expect.any(String), state: 'st-2' });
    }

    // More scopes: asked again; prompt=consent: asked even for what was allowed.
    const more = await jar.get(authorize({ scope: 'openid profile offline_access' }));
    expect(more.status).toBe(200);
    expect(more.text).toContain('Stay signed in');
    const forced = await jar.get(authorize({ scope: 'openid', extra: { prompt: 'consent' } }));
    expect(forced.status).toBe(200);
    expect(forced.text).toContain('Allow access?');
  });

  it('Deny sends access_denied with the state and records nothing', async () => {
    const jar = new BrowserJar();
    const page = await signIn(jar, system.issuerUrl, authorize({ state: 'deny-state', scope: 'openid' }), 'admin', 'admin-password');
    expect(page.status).toBe(200);
    const back = await allow(jar, page, 'deny');
    expect(back.status).toBe(303);
    expect(callbackParams(back.location)).toEqual({
      error: 'access_denied',
      error_description: 'the user denied access',
      state: 'deny-state',
      iss: system.issuerUrl,
    });
    const admin = (await db.query("SELECT id FROM users WHERE username = 'admin'")).rows[0].id;
    expect((await consentRows()).some((row) => row.subject === admin)).toBe(false);

    // prompt=none with a session but no consent: consent_required, with the state.
    const silent = await jar.get(authorize({ state: 'none-state', extra: { prompt: 'none' } }));
    expect(silent.status).toBe(302);
    expect(callbackParams(silent.location)).toMatchObject({ error: 'consent_required', state: 'none-state' });
  });

  it("a consent post without its CSRF token, with another request's, or without a session is a 400 page", async () => {
    const jar = new BrowserJar();
    const page = await signIn(jar, system.issuerUrl, authorize({ scope: 'openid email' }));
    expect(page.status).toBe(200);
    const fields = formFields(page.text);
    const post = (form: Record<string, string>, j = jar) => j.request('POST', `${system.issuerUrl}/oidc/consent`, form);
    const other = new URLSearchParams(fields.authorize);
    other.set('scope', 'openid email offline_access');
    for (const [name, result] of [
      ['no csrf', await post({ authorize: fields.authorize, decision: 'allow' })],
      ['wrong csrf', await post({ ...fields, csrf: 'x'.repeat(43), decision: 'allow' })],
      ['csrf for another request', await post({ ...fields, authorize: other.toString(), decision: 'allow' })],
      ['no session', await post({ ...fields, decision: 'allow' }, new BrowserJar())],
      ['no decision', await post(fields)],
    ] as const) {
      expect({ name, status: result.status, location: result.location }).toEqual({ name, status: 400, location: undefined });
      expect(result.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('two Allows of one form at once leave one consent row', async () => {
    await db.query('DELETE FROM oidc_consents');
    for (let round = 0; round < 3; round++) {
      const jar = new BrowserJar();
      const page = await signIn(jar, system.issuerUrl, authorize({ scope: round === 0 ? 'openid' : 'openid profile', extra: { prompt: 'consent' } }));
      expect(page.status).toBe(200);
      const results = await Promise.all([allow(jar, page), allow(jar, page), allow(jar, page)]);
      expect(results.map((r) => r.status)).toEqual([303, 303, 303]);
      const rows = await consentRows();
      expect({ round, rows: rows.length }).toEqual({ round, rows: 1 });
    }
    expect((await consentRows())[0].scopes).toEqual(['openid', 'profile']);
  });

  it('generated consent form bodies: 4xx, never 5xx, never a code', async () => {
    const jar = new BrowserJar();
    const page = await signIn(jar, system.issuerUrl, authorize({ scope: 'openid offline_access' }));
    const fields = formFields(page.text);
    const junk = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', '%', '%ZZ', '\u0000', 'allow', 'deny', fields.authorize, 'a'.repeat(9000)));
    const names = fc.constantFrom('csrf', 'authorize', 'decision', 'decision[]', '__proto__', 'constructor', 'x');
    const body = fc.oneof(
      fc.array(fc.tuple(names, junk), { maxLength: 8 }).map((pairs) => pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&')),
      // The right token with a wrong request, or repeated fields.
      fc.record({ authorize: junk, decision: junk }).map((f) => new URLSearchParams({ ...f, csrf: fields.csrf }).toString()),
      fc.constant(
        `csrf=${encodeURIComponent(fields.csrf)}&csrf=${encodeURIComponent(fields.csrf)}&authorize=${encodeURIComponent(fields.authorize)}&decision=allow`,
      ),
      fc.string({ maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (form) => {
        const result = await jar.request('POST', `${system.issuerUrl}/oidc/consent`, form);
        // The one valid combination (right token, this request, allow/deny) may answer 303; generated junk around it may not.
        const valid = new URLSearchParams(form);
        const exact =
          valid.getAll('csrf').length === 1 &&
          valid.get('csrf') === fields.csrf &&
          valid.getAll('authorize').length === 1 &&
          valid.get('authorize') === fields.authorize &&
          valid.getAll('decision').length === 1 &&
          ['allow', 'deny'].includes(valid.get('decision')!);
        if (exact) return;
        expect(result.status).toBeGreaterThanOrEqual(400);
        expect(result.status).toBeLessThan(500);
        expect(result.location).toBeUndefined();
      }),
      fuzzParameters(0.5),
    );
    const json = await jar.request('POST', `${system.issuerUrl}/oidc/consent`);
    expect(json.status).toBe(400);
  });
});
