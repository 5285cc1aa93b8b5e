import { call } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';

/** ASVS V3/V13 basics at every app: security headers, CORS off unless allow-listed, body limits, validation. */
describe('HTTP hardening', () => {
  let system: TestSystem;
  const allowed = 'https://app.example.com';

  beforeAll(async () => {
    system = await startTestSystem({ CORS_ORIGINS: allowed });
  });
  afterAll(() => system?.stop());

  const apps = () => [
    { name: 'auth-issuer', url: system.issuerUrl },
    { name: 'orders-api', url: system.ordersUrl },
    { name: 'billing-api', url: system.billingUrl },
  ];

  it('every app sends helmet security headers and no X-Powered-By', async () => {
    for (const app of apps()) {
      for (const path of ['/health', '/me', '/nowhere']) {
        const { headers } = await call('GET', `${app.url}${path}`);
        const seen = {
          app: app.name,
          path,
          nosniff: headers.get('x-content-type-options'),
          frame: headers.get('x-frame-options'),
          csp: headers.get('content-security-policy'),
          referrer: headers.get('referrer-policy'),
          hsts: headers.get('strict-transport-security'),
          poweredBy: headers.get('x-powered-by'),
        };
        expect(seen).toEqual({
          app: app.name,
          path,
          nosniff: 'nosniff',
          frame: 'SAMEORIGIN',
          csp: expect.stringContaining("default-src 'none'"),
          referrer: 'no-referrer',
          hsts: expect.stringMatching(/max-age=\d+/),
          poweredBy: null,
        });
        expect(seen.csp).toContain("frame-ancestors 'none'");
      }
    }
  });

  it('CORS answers only allow-listed origins, never with a wildcard', async () => {
    for (const app of apps()) {
      const preflight = (origin: string) =>
        call('OPTIONS', `${app.url}/me`, { headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      const ok = await preflight(allowed);
      expect({ app: app.name, origin: ok.headers.get('access-control-allow-origin') }).toEqual({ app: app.name, origin: allowed });
      expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'http://app.example.com', 'null']) {
        const refused = await preflight(origin);
        expect({ app: app.name, origin, allow: refused.headers.get('access-control-allow-origin') }).toEqual({ app: app.name, origin, allow: null });
        const simple = await call('GET', `${app.url}/health`, { headers: { origin } });
        expect(simple.headers.get('access-control-allow-origin')).toBeNull();
      }
    }
  });

  it('CORS is off by default: no Access-Control headers for any origin', async () => {
    const plain = await startTestSystem({}, { services: false });
    try {
      const result = await call('OPTIONS', `${plain.issuerUrl}/auth/login`, { headers: { origin: allowed, 'access-control-request-method': 'POST' } });
      expect(result.headers.get('access-control-allow-origin')).toBeNull();
      const get = await call('GET', `${plain.issuerUrl}/.well-known/jwks.json`, { headers: { origin: allowed } });
      expect(get.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.stop();
    }
  });

  it('bodies over 16 KiB get 413 at every body-taking endpoint, and the issuer keeps serving', async () => {
    const big = { username: 'alice', password: 'x', pad: 'y'.repeat(17 * 1024) };
    for (const path of ['/auth/login', '/auth/refresh', '/auth/logout', '/oauth/token', '/oauth/revoke', '/oauth/introspect']) {
      const json = await call('POST', `${system.issuerUrl}${path}`, { json: big });
      expect({ path, status: json.status }).toEqual({ path, status: 413 });
      const form = await call('POST', `${system.issuerUrl}${path}`, { form: { token: 'y'.repeat(17 * 1024) } });
      expect({ path, form: true, status: form.status }).toEqual({ path, form: true, status: 413 });
    }
    const justUnder = await call('POST', `${system.issuerUrl}/auth/login`, {
      json: { username: 'alice', password: 'alice-password', pad: 'y'.repeat(15 * 1024) },
    });
    expect(justUnder.status).toBe(200);
  });

  it('refresh and logout validate their bodies with 400 and a clear JSON error', async () => {
    const cases: [string, string, unknown][] = [
      ['/auth/refresh', 'missing field', {}],
      ['/auth/refresh', 'number', { refresh_token: 1 }],
      ['/auth/refresh', 'array body', ['x']],
      ['/auth/refresh', 'malformed JSON', '{"refresh_token":'],
      ['/auth/refresh', 'duplicate member', '{"refresh_token":"a","refresh_token":"b"}'],
    ];
    for (const [path, name, body] of cases) {
      const result = await call('POST', `${system.issuerUrl}${path}`, { json: body });
      expect({ path, name, status: result.status, error: result.body?.error, description: typeof result.body?.error_description }).toEqual({
        path,
        name,
        status: 400,
        error: 'invalid_request',
        description: 'string',
      });
    }
    const login = await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'alice', password: 'alice-password' } });
    const logout = await call('POST', `${system.issuerUrl}/auth/logout`, { token: login.body.access_token, json: { refresh_token: 42 } });
    expect(logout.status).toBe(400);
    expect(logout.body.error).toBe('invalid_request');
    // The refused logout changed nothing: the token still works.
    expect((await call('GET', `${system.ordersUrl}/me`, { token: login.body.access_token })).status).toBe(200);
  });

  it('errors never carry stacks or library messages', async () => {
    const probes = [
      await call('GET', `${system.issuerUrl}/nowhere/${'%'.repeat(3)}`),
      await call('POST', `${system.issuerUrl}/auth/login`, { headers: { 'content-type': 'application/json' }, json: '\u0000' }),
      await call('POST', `${system.issuerUrl}/auth/login`, { headers: { 'content-type': 'application/xml' }, json: undefined }),
      await call('GET', `${system.ordersUrl}/me/${'a'.repeat(300)}`),
    ];
    for (const probe of probes) {
      expect(probe.status).toBeGreaterThanOrEqual(400);
      expect(probe.status).toBeLessThan(500);
      expect(probe.text).not.toMatch(/\bat .*\.(js|ts):\d+|node_modules|TypeORM|QueryFailed|stack/i);
    }
  });
});
