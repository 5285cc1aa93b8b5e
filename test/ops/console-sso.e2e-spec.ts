import fc from 'fast-check';
import { Client } from 'pg';
import { clientsCreate } from '../../apps/auth-issuer/src/cli/clients-create.command';
import { call, decodeJwt } from '../support/http';
import { basic } from '../support/oauth-clients';
import { startTestSystem, TestSystem } from '../support/test-system';
import { authorizeUrl, BrowserJar, callbackParams, DEMO_SPA, pkcePair, signIn } from '../oidc/support/browser-jar';

/**
 * The operator console signs in through the issuer's own code flow as the built-in public client
 * `operator-console`: its code buys an admin-audience token (aud exactly <ISSUER_URL>/admin, <= 300 s, no refresh
 * token) for role admin only; no other client can reach the admin audience, and the console no other audience.
 */
describe('operator console sign-in through the code flow', () => {
  let system: TestSystem;
  let callback: string;
  let adminAudience: string;
  const consoleAuthorize = (challenge: string, extra: Record<string, string> = {}, state = 'st') =>
    authorizeUrl(system.issuerUrl, { clientId: 'operator-console', redirectUri: callback, challenge, state, extra: { resource: adminAudience, ...extra } });
  const redeem = (code: string, verifier: string, extra: Record<string, string> = {}) =>
    call('POST', `${system.issuerUrl}/oauth/token`, {
      form: { grant_type: 'authorization_code', code, redirect_uri: callback, client_id: 'operator-console', code_verifier: verifier, ...extra },
    });

  beforeAll(async () => {
    system = await startTestSystem({}, { services: false });
    callback = `${system.issuerUrl}/console/callback`;
    adminAudience = `${system.issuerUrl}/admin`;
  });
  afterAll(() => system?.stop());

  async function sql(text: string): Promise<void> {
    const db = new Client({ connectionString: system.databaseUrl });
    await db.connect();
    try {
      await db.query(text);
    } finally {
      await db.end();
    }
  }

  /** Signs in at the console's client in the jar; returns the callback's parameters. */
  async function consoleSignIn(jar: BrowserJar, username: string, password: string, extra: Record<string, string> = {}) {
    const pkce = pkcePair();
    const back = await signIn(jar, system.issuerUrl, consoleAuthorize(pkce.challenge, extra), username, password);
    expect(back.status).toBe(303);
    expect(back.location!.startsWith(`${callback}?`)).toBe(true);
    return { params: callbackParams(back.location), verifier: pkce.verifier };
  }

  it('admin: login page, code, admin-audience token that opens the console API; then SSO without a password', async () => {
    const jar = new BrowserJar();
    const { params, verifier } = await consoleSignIn(jar, 'admin', 'admin-password');
    expect(params).toEqual({ code: expect.any(String), state: 'st', iss: system.issuerUrl });
    const tokens = await redeem(params.code, verifier);
    expect(tokens.status).toBe(200);
    expect(tokens.body.refresh_token).toBeUndefined();
    expect(tokens.body.expires_in).toBeGreaterThan(0);
    expect(tokens.body.expires_in).toBeLessThanOrEqual(300);
    const claims = decodeJwt(tokens.body.access_token).payload;
    expect(claims.aud).toBe(adminAudience);
    expect(claims.client_id).toBe('operator-console');
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(300);
    const overview = await call('GET', `${system.issuerUrl}/admin/console/overview`, { token: tokens.body.access_token });
    expect(overview.status).toBe(200);
    // The ID token is for the console, with the nonce the console sent.
    expect(decodeJwt(tokens.body.id_token).payload).toMatchObject({ aud: 'operator-console', nonce: 'nonce-1' });

    // Single sign-on: the same browser goes straight back with a code, no sign-in page.
    const pkce = pkcePair();
    const again = await jar.get(consoleAuthorize(pkce.challenge));
    expect(again.status).toBe(302);
    expect(again.location!.startsWith(`${callback}?`)).toBe(true);
    const second = await redeem(callbackParams(again.location).code, pkce.verifier);
    expect(second.status).toBe(200);
    expect(decodeJwt(second.body.access_token).payload.aud).toBe(adminAudience);
  });

  it('offline_access buys the console no refresh token', async () => {
    const { params, verifier } = await consoleSignIn(new BrowserJar(), 'admin', 'admin-password', { scope: 'openid offline_access' });
    const tokens = await redeem(params.code, verifier);
    expect(tokens.status).toBe(200);
    expect(tokens.body.refresh_token).toBeUndefined();
    expect(tokens.body.scope).toBe('openid');
  });

  it('alice (no role admin) gets access_denied and no code, hence no admin token', async () => {
    const { params } = await consoleSignIn(new BrowserJar(), 'alice', 'alice-password');
    expect(params).toEqual({ error: 'access_denied', error_description: expect.any(String), state: 'st', iss: system.issuerUrl });
  });

  it('an admin code redeemed after the role is gone gets no token', async () => {
    const { params, verifier } = await consoleSignIn(new BrowserJar(), 'admin', 'admin-password');
    await sql(`UPDATE users SET roles = '{user}' WHERE username = 'admin'`);
    try {
      const tokens = await redeem(params.code, verifier);
      expect(tokens.status).toBe(400);
      expect(tokens.body.error).toBe('invalid_target');
      expect(tokens.body.access_token).toBeUndefined();
    } finally {
      await sql(`UPDATE users SET roles = '{admin,user}' WHERE username = 'admin'`);
    }
  });

  it('the console client cannot ask for any other audience', async () => {
    for (const resource of ['orders-api', 'billing-api', system.issuerUrl, `${adminAudience}/`]) {
      const response = await new BrowserJar().get(consoleAuthorize(pkcePair().challenge, { resource }));
      expect(response.status).toBe(302);
      expect(callbackParams(response.location)).toMatchObject({ error: 'invalid_target', state: 'st' });
    }
  });

  it('no other client gets the admin audience: demo-spa asking for it is invalid_target, its tokens never carry it', async () => {
    const refused = await new BrowserJar().get(authorizeUrl(system.issuerUrl, { extra: { resource: adminAudience } }));
    expect(refused.location!.startsWith(`${DEMO_SPA.redirectUri}?`)).toBe(true);
    expect(callbackParams(refused.location)).toMatchObject({ error: 'invalid_target' });
    const pkce = pkcePair();
    const back = await signIn(new BrowserJar(), system.issuerUrl, authorizeUrl(system.issuerUrl, { challenge: pkce.challenge }), 'admin', 'admin-password');
    const tokens = await call('POST', `${system.issuerUrl}/oauth/token`, {
      form: {
        grant_type: 'authorization_code',
        code: callbackParams(back.location).code,
        redirect_uri: DEMO_SPA.redirectUri,
        client_id: DEMO_SPA.clientId,
        code_verifier: pkce.verifier,
      },
    });
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.access_token).payload.aud).not.toContain(adminAudience);
    expect((await call('GET', `${system.issuerUrl}/admin/console/overview`, { token: tokens.body.access_token })).status).toBe(401);
  });

  it('a console code goes to the console only: another redirect URI is a page, another client cannot redeem it', async () => {
    const page = await new BrowserJar().get(authorizeUrl(system.issuerUrl, { clientId: 'operator-console', redirectUri: 'http://127.0.0.1:4180/callback' }));
    expect(page.status).toBe(400);
    const { params, verifier } = await consoleSignIn(new BrowserJar(), 'admin', 'admin-password');
    const stolen = await call('POST', `${system.issuerUrl}/oauth/token`, {
      form: { grant_type: 'authorization_code', code: params.code, redirect_uri: callback, client_id: DEMO_SPA.clientId, code_verifier: verifier },
    });
    expect(stolen.status).toBe(400);
    // With a secret, operator-console is an unknown confidential client: invalid_client.
    const withSecret = await call('POST', `${system.issuerUrl}/oauth/token`, {
      form: { grant_type: 'client_credentials' },
      headers: basic('operator-console', 'x'.repeat(40)),
    });
    expect(withSecret.status).toBe(401);
  });

  it('clients:create refuses the admin audience and the console id', async () => {
    const run = async (args: string[]) => {
      const err: string[] = [];
      const code = await clientsCreate(
        args,
        { DATABASE_URL: system.databaseUrl, ISSUER_URL: system.issuerUrl },
        { out: () => undefined, err: (l) => err.push(l), readStdin: async () => '' },
      );
      return { code, err: err.join(' ') };
    };
    expect((await run(['--id', 'sneaky', '--audiences', adminAudience])).code).not.toBe(0);
    expect((await run(['--id', 'operator-console', '--audiences', 'orders-api'])).code).not.toBe(0);
    expect((await run(['--id', 'operator-console', '--type', 'public', '--redirect-uris', callback, '--audiences', 'orders-api'])).code).not.toBe(0);
  });

  it('garbage console token requests: a clear 4xx, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), async (code, verifier, resource) => {
        const token = await redeem(code, verifier, { resource });
        expect(token.status).toBeGreaterThanOrEqual(400);
        expect(token.status).toBeLessThan(500);
        const authorize = await new BrowserJar().get(consoleAuthorize(pkcePair().challenge, { resource, nonce: verifier }));
        expect(authorize.status).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });

  it('two redemptions of one console code at once: exactly one token', async () => {
    const { params, verifier } = await consoleSignIn(new BrowserJar(), 'admin', 'admin-password');
    const results = await Promise.all([redeem(params.code, verifier), redeem(params.code, verifier)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
  });
});
