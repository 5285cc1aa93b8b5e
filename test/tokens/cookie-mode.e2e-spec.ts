import type { RunningApp } from '@app/platform';
import { call, login } from '../support/http';
import { startCookieTestApp } from '../support/cookie-test-app';
import { startTestSystem, TestSystem } from '../support/test-system';

interface SetCookie {
  name: string;
  value: string;
  attributes: string[];
}

function setCookies(headers: Headers): Map<string, SetCookie> {
  const parsed = headers.getSetCookie().map((line) => {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes: attributes.map((a) => a.toLowerCase()) };
  });
  return new Map(parsed.map((cookie) => [cookie.name, cookie]));
}

/** Cookie delivery (AUTH_COOKIE=1): HttpOnly cookies, CSRF double submit on state-changing requests, never the query string. */
describe('cookie mode', () => {
  let system: TestSystem;
  let app: RunningApp;

  beforeAll(async () => {
    system = await startTestSystem({ AUTH_COOKIE: '1' });
    app = await startCookieTestApp(system.issuerUrl, system.redisUrl, system.redisPrefix);
  });
  afterAll(async () => {
    await app?.close();
    await system?.stop();
  });

  async function cookieLogin(username = 'alice', password = 'alice-password') {
    const result = await call('POST', `${system.issuerUrl}/auth/login`, { json: { username, password, cookie: true } });
    expect(result.status).toBe(200);
    const cookies = setCookies(result.headers);
    const access = cookies.get('__Host-access_token')!.value;
    const refresh = cookies.get('__Secure-refresh_token')!.value;
    const csrf = cookies.get('__Host-csrf_token')!.value;
    return {
      result,
      cookies,
      access,
      refresh,
      csrf,
      jar: `__Host-access_token=${access}; __Host-csrf_token=${csrf}`,
      refreshJar: `__Secure-refresh_token=${refresh}; __Host-csrf_token=${csrf}`,
    };
  }

  it('login with {"cookie": true} sets HttpOnly Secure SameSite=Strict cookies and keeps tokens out of the body', async () => {
    const { result, cookies } = await cookieLogin();
    expect(result.headers.get('cache-control')).toContain('no-store');
    expect(result.body).toEqual({ token_type: 'Bearer', expires_in: 900, scope: '', delivery: 'cookie' });
    expect(result.text).not.toContain(cookies.get('__Host-access_token')!.value);
    const access = cookies.get('__Host-access_token')!;
    expect(access.attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=strict', 'path=/', 'max-age=900']));
    expect(access.attributes.some((a) => a.startsWith('domain'))).toBe(false);
    const refresh = cookies.get('__Secure-refresh_token')!;
    expect(refresh.attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=strict', 'path=/auth']));
    expect(refresh.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const csrf = cookies.get('__Host-csrf_token')!;
    expect(csrf.attributes).toEqual(expect.arrayContaining(['secure', 'samesite=strict', 'path=/']));
    expect(csrf.attributes).not.toContain('httponly');
    expect(csrf.value.length).toBeGreaterThanOrEqual(43);
  });

  it('GET with the cookie works at both resource services without a CSRF header', async () => {
    const { jar } = await cookieLogin();
    for (const service of [system.ordersUrl, system.billingUrl, app.url]) {
      const path = service === app.url ? '/thing' : '/me';
      expect({ service, status: (await call('GET', `${service}${path}`, { headers: { cookie: jar } })).status }).toEqual({ service, status: 200 });
    }
  });

  it('state-changing methods need the CSRF header to echo the CSRF cookie', async () => {
    const { jar, csrf, access } = await cookieLogin();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const cases: [string, Record<string, string>, number][] = [
        ['no header', { cookie: jar }, 401],
        ['wrong header', { cookie: jar, 'x-csrf-token': `${csrf.slice(0, -1)}x` }, 401],
        ['header but no CSRF cookie', { cookie: `__Host-access_token=${access}`, 'x-csrf-token': csrf }, 401],
        [
          'header equal to an attacker-chosen cookie of the wrong name',
          { cookie: `${jar.split(';')[0]}; csrf_token=${'a'.repeat(43)}`, 'x-csrf-token': 'a'.repeat(43) },
          401,
        ],
        ['matching header', { cookie: jar, 'x-csrf-token': csrf }, 200],
      ];
      for (const [name, headers, status] of cases) {
        const result = await call(method, `${app.url}/thing`, { headers });
        expect({ method, name, status: result.status }).toEqual({ method, name, status });
        if (status === 401) expect(result.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
    }
    // The Authorization header needs no CSRF check (a page cannot make a browser send it cross-site).
    expect((await call('POST', `${app.url}/thing`, { token: access })).status).toBe(200);
  });

  it('a token in the query string is never accepted', async () => {
    const bearer = await login(system.issuerUrl, 'alice', 'alice-password');
    for (const [service, path] of [
      [system.ordersUrl, '/me'],
      [system.billingUrl, '/me'],
      [app.url, '/thing'],
    ]) {
      for (const param of ['access_token', 'token', 'jwt']) {
        const result = await call('GET', `${service}${path}?${param}=${bearer.access_token}`);
        expect({ service, param, status: result.status }).toEqual({ service, param, status: 401 });
      }
    }
    const post = await call('POST', `${system.issuerUrl}/auth/logout?access_token=${bearer.access_token}`);
    expect(post.status).toBe(401);
  });

  it('refresh from the cookie needs the CSRF header, then rotates and sets new cookies', async () => {
    const session = await cookieLogin();
    const refused = await call('POST', `${system.issuerUrl}/auth/refresh`, { headers: { cookie: session.refreshJar } });
    expect([refused.status, refused.body.error]).toEqual([400, 'invalid_request']);
    const refreshed = await call('POST', `${system.issuerUrl}/auth/refresh`, { headers: { cookie: session.refreshJar, 'x-csrf-token': session.csrf } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.delivery).toBe('cookie');
    expect(refreshed.body.access_token).toBeUndefined();
    const next = setCookies(refreshed.headers);
    expect(next.get('__Secure-refresh_token')!.value).not.toBe(session.refresh);
    const newJar = `__Host-access_token=${next.get('__Host-access_token')!.value}`;
    expect((await call('GET', `${system.ordersUrl}/me`, { headers: { cookie: newJar } })).status).toBe(200);
    // The refused attempt spent nothing; the successful one spent the old token.
    const replay = await call('POST', `${system.issuerUrl}/auth/refresh`, { headers: { cookie: session.refreshJar, 'x-csrf-token': session.csrf } });
    expect(replay.body.error).toBe('invalid_grant');
  });

  it('a cookie refresh denies the access token it replaces', async () => {
    const session = await cookieLogin();
    const oldJar = `__Host-access_token=${session.access}`;
    expect((await call('GET', `${system.ordersUrl}/me`, { headers: { cookie: oldJar } })).status).toBe(200);
    const refreshed = await call('POST', `${system.issuerUrl}/auth/refresh`, { headers: { cookie: session.refreshJar, 'x-csrf-token': session.csrf } });
    expect(refreshed.status).toBe(200);
    for (const service of [system.ordersUrl, system.billingUrl]) expect((await call('GET', `${service}/me`, { headers: { cookie: oldJar } })).status).toBe(401);
    const newJar = `__Host-access_token=${setCookies(refreshed.headers).get('__Host-access_token')!.value}`;
    expect((await call('GET', `${system.ordersUrl}/me`, { headers: { cookie: newJar } })).status).toBe(200);
  });

  it('logout by cookie needs the CSRF header, then denies the token and clears the cookies', async () => {
    const session = await cookieLogin();
    const refused = await call('POST', `${system.issuerUrl}/auth/logout`, { headers: { cookie: session.jar } });
    expect(refused.status).toBe(401);
    expect((await call('GET', `${system.ordersUrl}/me`, { headers: { cookie: session.jar } })).status).toBe(200);

    const logout = await call('POST', `${system.issuerUrl}/auth/logout`, { headers: { cookie: session.jar, 'x-csrf-token': session.csrf } });
    expect(logout.status).toBe(204);
    const cleared = setCookies(logout.headers);
    for (const name of ['__Host-access_token', '__Secure-refresh_token', '__Host-csrf_token']) {
      expect(cleared.get(name)).toMatchObject({ value: '', attributes: expect.arrayContaining(['max-age=0']) });
    }
    for (const service of [system.ordersUrl, system.billingUrl])
      expect((await call('GET', `${service}/me`, { headers: { cookie: session.jar } })).status).toBe(401);
    const refresh = await call('POST', `${system.issuerUrl}/auth/refresh`, { headers: { cookie: session.refreshJar, 'x-csrf-token': session.csrf } });
    expect(refresh.body.error).toBe('invalid_grant');
  });

  describe('cookie tossing: a sibling subdomain plants its own refresh cookie under /auth', () => {
    const refresh = (cookie: string, csrf: string) => call('POST', `${system.issuerUrl}/auth/refresh`, { headers: { cookie, 'x-csrf-token': csrf } });

    it('a request naming the refresh cookie twice is refused with 400, sets no cookie and spends neither token', async () => {
      const victim = await cookieLogin();
      const attacker = await cookieLogin('admin', 'admin-password');
      for (const order of [
        [attacker.refresh, victim.refresh],
        [victim.refresh, attacker.refresh],
      ]) {
        const tossed = await refresh(`__Secure-refresh_token=${order[0]}; __Secure-refresh_token=${order[1]}; __Host-csrf_token=${victim.csrf}`, victim.csrf);
        expect({ status: tossed.status, error: tossed.body.error, cookies: tossed.headers.getSetCookie() }).toEqual({
          status: 400,
          error: 'invalid_request',
          cookies: [],
        });
        expect(tossed.body.error_description).toContain('__Secure-refresh_token');
      }
      expect((await refresh(victim.refreshJar, victim.csrf)).status).toBe(200);
      expect((await refresh(attacker.refreshJar, attacker.csrf)).status).toBe(200);
    });

    it("a planted refresh cookie cannot be used with the victim's CSRF token: the CSRF token is bound to the refresh token it came with", async () => {
      const victim = await cookieLogin();
      const attacker = await cookieLogin('admin', 'admin-password');
      // Only the attacker's cookie reaches /auth/refresh (say the victim's expired); the page echoes the victim's CSRF cookie.
      const swapped = await refresh(`__Secure-refresh_token=${attacker.refresh}; __Host-csrf_token=${victim.csrf}`, victim.csrf);
      expect({ status: swapped.status, error: swapped.body.error, cookies: swapped.headers.getSetCookie() }).toEqual({
        status: 400,
        error: 'invalid_request',
        cookies: [],
      });
      expect((await refresh(attacker.refreshJar, attacker.csrf)).status).toBe(200);
    });

    it('the CSRF token of a refreshed session goes with its new refresh token, not the old one', async () => {
      const session = await cookieLogin();
      const next = setCookies((await refresh(session.refreshJar, session.csrf)).headers);
      const [token, csrf] = [next.get('__Secure-refresh_token')!.value, next.get('__Host-csrf_token')!.value];
      expect(csrf).not.toBe(session.csrf);
      expect((await refresh(`__Secure-refresh_token=${token}; __Host-csrf_token=${session.csrf}`, session.csrf)).status).toBe(400);
      expect((await refresh(`__Secure-refresh_token=${token}; __Host-csrf_token=${csrf}`, csrf)).status).toBe(200);
    });

    it('a service refuses a request naming the access cookie twice (401), whatever the order', async () => {
      const victim = await cookieLogin();
      const attacker = await cookieLogin('admin', 'admin-password');
      for (const service of [system.ordersUrl, system.billingUrl]) {
        expect((await call('GET', `${service}/me`, { headers: { cookie: victim.jar } })).status).toBe(200);
        const doubled = `__Host-access_token=${attacker.access}; ${victim.jar}`;
        expect((await call('GET', `${service}/me`, { headers: { cookie: doubled } })).status).toBe(401);
      }
    });
  });

  it('a bad cookie flag is a 400 and logs nobody in', async () => {
    const result = await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'alice', password: 'alice-password', cookie: 'yes' } });
    expect([result.status, result.body.error]).toEqual([400, 'invalid_request']);
    expect(result.headers.getSetCookie()).toEqual([]);
  });
});
