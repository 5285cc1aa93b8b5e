import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { call, decodeJwt, login } from '../support/http';
import { runClientsCreate } from '../support/oauth-clients';
import { startTestSystem, TestSystem } from '../support/test-system';
import { authorizeUrl, BrowserJar, callbackParams, pkcePair, signIn } from './support/browser-jar';

jest.setTimeout(120_000);

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

interface Received {
  contentType: string | undefined;
  body: string;
}

/** A relying party's back-channel endpoint: records each POST; `hang` accepts connections and never answers. */
async function receiver(hang = false): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ contentType: req.headers['content-type'], body });
      if (!hang) res.writeHead(200, { 'cache-control': 'no-store' }).end();
    });
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/backchannel-logout`,
    received,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/**
 * OpenID Back-Channel Logout 1.0 over real HTTP: a client that registered a back-channel URI and took part in a
 * session receives a logout token (verified against the JWKS) when the session ends by RP-initiated logout or by
 * /auth/logout-all; a receiver that hangs does not hold the user's logout.
 */
describe('OpenID Connect back-channel logout', () => {
  let system: TestSystem;
  let rp: Awaited<ReturnType<typeof receiver>>;
  let hanging: Awaited<ReturnType<typeof receiver>>;

  const register = async (id: string, port: number, backchannel: string) => {
    const run = await runClientsCreate(system.databaseUrl, [
      '--id',
      id,
      '--type',
      'public',
      '--first-party',
      '--audiences',
      'orders-api',
      '--redirect-uris',
      `http://127.0.0.1:${port}/callback`,
      '--post-logout-uris',
      `http://127.0.0.1:${port}/`,
      '--backchannel-logout-uri',
      backchannel,
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out[0])).toMatchObject({ backchannel_logout_uri: backchannel });
  };

  /** Signs alice in at a client in the jar and redeems the code (so the client took part in the session). */
  const signInAt = async (jar: BrowserJar, clientId: string, port: number) => {
    const pkce = pkcePair();
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const url = authorizeUrl(system.issuerUrl, { clientId, redirectUri, challenge: pkce.challenge, nonce: 'n-bcl' });
    const back = jar.cookies.has('__Host-sso') ? await jar.get(url) : await signIn(jar, system.issuerUrl, url);
    const tokens = await call('POST', `${system.issuerUrl}/oauth/token`, {
      form: {
        grant_type: 'authorization_code',
        code: callbackParams(back.location).code,
        redirect_uri: redirectUri,
        code_verifier: pkce.verifier,
        client_id: clientId,
      },
    });
    expect(tokens.status).toBe(200);
    return tokens.body as { id_token: string; access_token: string };
  };

  beforeAll(async () => {
    system = await startTestSystem();
    rp = await receiver();
    hanging = await receiver(true);
    await register('bcl-app', 4191, rp.url);
    await register('bcl-hang', 4192, hanging.url);
  });
  afterAll(async () => {
    await rp?.close();
    await hanging?.close();
    await system?.stop();
  });

  it('discovery announces back-channel logout with sid', async () => {
    const { body } = await call('GET', `${system.issuerUrl}/.well-known/openid-configuration`);
    expect(body).toMatchObject({ backchannel_logout_supported: true, backchannel_logout_session_supported: true });
  });

  it('clients:create refuses a back-channel URI that is not https or loopback http, has a fragment, or has no code flow', async () => {
    for (const args of [
      ['--redirect-uris', 'https://a.example.com/cb', '--backchannel-logout-uri', 'http://rp.example.com/bcl'],
      ['--redirect-uris', 'https://a.example.com/cb', '--backchannel-logout-uri', 'https://rp.example.com/bcl#x'],
      ['--redirect-uris', 'https://a.example.com/cb', '--backchannel-logout-uri', 'https://*.example.com/bcl'],
      ['--backchannel-logout-uri', 'https://rp.example.com/bcl'],
    ]) {
      const run = await runClientsCreate(system.databaseUrl, ['--id', 'bcl-bad', '--audiences', 'orders-api', ...args]);
      expect({ args, code: run.code }).toEqual({ args, code: 1 });
      expect(run.err.join(' ')).toMatch(/back-channel logout URI|redirect URIs/);
    }
  });

  it('RP-initiated logout sends each participating client a verifiable logout token', async () => {
    rp.received.length = 0;
    const jar = new BrowserJar();
    const tokens = await signInAt(jar, 'bcl-app', 4191);
    // demo-spa takes part too but registered no back-channel URI: it gets nothing, and nothing breaks.
    await signInAt(jar, 'demo-spa', 4180);
    const idToken = decodeJwt(tokens.id_token).payload;

    const logout = await jar.get(
      `${system.issuerUrl}/oidc/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'http://127.0.0.1:4191/', state: 'bye' }).toString()}`,
    );
    expect(logout.status).toBe(302);
    expect(logout.location).toBe('http://127.0.0.1:4191/?state=bye');
    await until(() => rp.received.length > 0, 'the logout token');

    expect(rp.received).toHaveLength(1);
    const [delivery] = rp.received;
    expect(delivery.contentType).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(delivery.body);
    expect([...form.keys()]).toEqual(['logout_token']);
    const jwks = createRemoteJWKSet(new URL(`${system.issuerUrl}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(form.get('logout_token')!, jwks, { issuer: system.issuerUrl, audience: 'bcl-app', typ: 'logout+jwt' });
    expect(protectedHeader.typ).toBe('logout+jwt');
    expect(payload).toEqual({
      iss: system.issuerUrl,
      aud: 'bcl-app',
      sub: idToken.sub,
      sid: idToken.sid,
      iat: expect.any(Number),
      exp: expect.any(Number),
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      events: { [EVENT]: {} },
    });
    expect(payload).not.toHaveProperty('nonce');
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(120);
    // A logout token is no ID token: it cannot serve as an id_token_hint.
    const asHint = await call('GET', `${system.issuerUrl}/oidc/logout?${new URLSearchParams({ id_token_hint: form.get('logout_token')! }).toString()}`);
    expect(asHint.status).toBe(400);

    // Logging out again with the same hint ends nothing new and announces nothing twice.
    await call('GET', `${system.issuerUrl}/oidc/logout?${new URLSearchParams({ id_token_hint: tokens.id_token }).toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rp.received).toHaveLength(1);
  });

  it("/auth/logout-all ends the user's SSO sessions and announces them", async () => {
    rp.received.length = 0;
    const jar = new BrowserJar();
    const tokens = await signInAt(jar, 'bcl-app', 4191);
    const sid = decodeJwt(tokens.id_token).payload.sid;
    const firstParty = await login(system.issuerUrl, 'alice', 'alice-password');
    const all = await call('POST', `${system.issuerUrl}/auth/logout-all`, { token: firstParty.access_token });
    expect(all.status).toBe(204);
    await until(() => rp.received.some((r) => decodeJwt(new URLSearchParams(r.body).get('logout_token')!).payload.sid === sid), 'the logout-all token');
    // The browser's SSO session is over: a silent sign-in now needs the password.
    const silent = await jar.get(
      authorizeUrl(system.issuerUrl, { clientId: 'bcl-app', redirectUri: 'http://127.0.0.1:4191/callback', extra: { prompt: 'none' } }),
    );
    expect(callbackParams(silent.location)).toMatchObject({ error: 'login_required' });
  });

  it('a receiver that never answers does not hold the logout response', async () => {
    hanging.received.length = 0;
    const jar = new BrowserJar();
    const tokens = await signInAt(jar, 'bcl-hang', 4192);
    const started = Date.now();
    const logout = await call('GET', `${system.issuerUrl}/oidc/logout?${new URLSearchParams({ id_token_hint: tokens.id_token }).toString()}`);
    const took = Date.now() - started;
    expect(logout.status).toBe(200);
    // The bound is 1 s; generous here for a loaded machine, far below three 2 s attempts with backoff.
    expect(took).toBeLessThan(4000);
    await until(() => hanging.received.length > 0, 'the hanging receiver to be tried');
    // The session is ended all the same.
    const silent = await jar.get(
      authorizeUrl(system.issuerUrl, { clientId: 'bcl-hang', redirectUri: 'http://127.0.0.1:4192/callback', extra: { prompt: 'none' } }),
    );
    expect(callbackParams(silent.location)).toMatchObject({ error: 'login_required' });
  });
});
