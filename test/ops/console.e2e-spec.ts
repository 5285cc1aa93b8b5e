import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { adminLogin, call, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';

/** The operator console over real HTTP: its page and headers, its admin reads, and the key actions it calls. */
describe('operator console', () => {
  let system: TestSystem;
  let admin: string;
  beforeAll(async () => {
    system = await startTestSystem({ METRICS_TOKEN: randomBytes(16).toString('hex') }, { services: true });
    admin = await adminLogin(system.issuerUrl);
  });
  afterAll(() => system?.stop());

  it.each([
    ['/console', /^text\/html/],
    ['/console/console.js', /^text\/javascript/],
    ['/console/console.css', /^text\/css/],
  ])('serves %s without a token, under a strict CSP that forbids inline script and framing', async (path, type) => {
    const result = await call('GET', `${system.issuerUrl}${path}`);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toMatch(type);
    const csp = result.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(result.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('the page loads its script from this origin and holds no inline script or handler', async () => {
    const html = (await call('GET', `${system.issuerUrl}/console`)).text;
    expect(html).toContain('<script src="/console/console.js" defer></script>');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/\son[a-z]+=|javascript:|style=/i);
    const script = (await call('GET', `${system.issuerUrl}/console/console.js`)).text;
    // The token stays in memory: never written to storage or put in a URL. sessionStorage holds only the code
    // flow's round-trip values (verifier, state, nonce), written in one place.
    expect(script).not.toMatch(/localStorage|document\.cookie|innerHTML|[?&]access_token=/);
    expect(script.match(/sessionStorage\.setItem\([^;]*;/g)).toEqual(['sessionStorage.setItem(FLOW_KEY, JSON.stringify(flow));']);
    // The callback is the same page under the same policy.
    const callback = await call('GET', `${system.issuerUrl}/console/callback?code=x&state=y`);
    expect(callback.text).toBe(html);
    expect(callback.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  describe.each([
    ['audit events', '/admin/audit/events'],
    ['console overview', '/admin/console/overview'],
  ])('%s', (_name, path) => {
    it("refuses no token and an admin's service-audience token (401), and alice with any token (403)", async () => {
      expect((await call('GET', `${system.issuerUrl}${path}`)).status).toBe(401);
      const alice = await login(system.issuerUrl, 'alice', 'alice-password');
      expect((await call('GET', `${system.issuerUrl}${path}`, { token: alice.access_token })).status).toBe(403);
      const adminUserToken = await login(system.issuerUrl, 'admin', 'admin-password');
      expect((await call('GET', `${system.issuerUrl}${path}`, { token: adminUserToken.access_token })).status).toBe(401);
      const aliceAdmin = await call('POST', `${system.issuerUrl}/auth/login`, {
        json: { username: 'alice', password: 'alice-password', resource: `${system.issuerUrl}/admin` },
      });
      if (aliceAdmin.status === 200)
        expect((await call('GET', `${system.issuerUrl}${path}`, { token: aliceAdmin.body.access_token as string })).status).toBe(403);
      else expect([400, 403]).toContain(aliceAdmin.status); // the issuer does not even mint her one
    });
  });

  it('audit events: recent security events, newest first, filtered and paged; no secrets', async () => {
    await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'alice', password: 'not-her-password' } });
    const result = await call('GET', `${system.issuerUrl}/admin/audit/events?limit=200`, { token: admin });
    expect(result.status).toBe(200);
    const events = result.body.events as Array<{ id: string; at: string; type: string; subject: string | null; details: Record<string, unknown> }>;
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['login_success', 'login_failure', 'key_generated', 'key_activated']));
    expect(events.map((e) => Number(e.id))).toEqual([...events.map((e) => Number(e.id))].sort((a, b) => b - a));
    expect(result.text).not.toMatch(/not-her-password|admin-password|eyJ/);
    const failures = await call('GET', `${system.issuerUrl}/admin/audit/events?type=login_failure&limit=5`, { token: admin });
    expect(failures.body.events.every((e: { type: string }) => e.type === 'login_failure')).toBe(true);
    const older = await call('GET', `${system.issuerUrl}/admin/audit/events?before=${events[0].id}&limit=1`, { token: admin });
    expect(older.body.events.map((e: { id: string }) => e.id)).toEqual([events[1].id]);
  });

  it('audit events: a malformed query is a 400 naming the problem, never a 500', async () => {
    for (const query of ['limit=0', 'limit=201', 'limit=abc', 'limit=1&limit=2', 'type=nope', 'before=-1', 'before=1e9', 'x=1', "type=login_success'--"]) {
      const result = await call('GET', `${system.issuerUrl}/admin/audit/events?${query}`, { token: admin });
      expect({ query, status: result.status, error: result.body?.error }).toEqual({ query, status: 400, error: 'invalid_request' });
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), async (name, value) => {
        const result = await call('GET', `${system.issuerUrl}/admin/audit/events?${encodeURIComponent(name)}=${encodeURIComponent(value)}`, { token: admin });
        return result.status === 200 || result.status === 400;
      }),
      { numRuns: 60, seed: 14 },
    );
  });

  it('overview: the key timeline with next transitions, and traffic per kid', async () => {
    const user = await login(system.issuerUrl, 'alice', 'alice-password');
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: user.access_token })).status).toBe(204);
    const result = await call('GET', `${system.issuerUrl}/admin/console/overview`, { token: admin });
    expect(result.status).toBe(200);
    const { keys, traffic } = result.body as {
      keys: Array<{ kid: string; state: string; next?: { transition: string; at: string } }>;
      traffic: { signed: Record<string, number>; verified: Record<string, number> };
    };
    const active = keys.find((k) => k.state === 'active')!;
    const pending = keys.find((k) => k.state === 'pending')!;
    expect(active.next?.transition).toBe('retire');
    expect(pending.next).toEqual({ transition: 'activate', at: active.next!.at });
    expect(traffic.signed[active.kid]).toBeGreaterThanOrEqual(2);
    expect(traffic.verified[active.kid]).toBeGreaterThanOrEqual(1);
    expect(result.text).not.toMatch(/private|"d":/);
  });

  it('rotate through the console path: the pending key signs, the old one retires, the timeline shows it; two at once never 5xx', async () => {
    const before = (await call('GET', `${system.issuerUrl}/admin/console/overview`, { token: admin })).body as { keys: Array<{ kid: string; state: string }> };
    const oldActive = before.keys.find((k) => k.state === 'active')!.kid;
    const rotated = await call('POST', `${system.issuerUrl}/admin/keys/rotate`, { token: admin });
    expect(rotated.status).toBe(200);
    const after = (await call('GET', `${system.issuerUrl}/admin/console/overview`, { token: admin })).body as {
      keys: Array<{ kid: string; state: string; next?: { transition: string } }>;
    };
    expect(after.keys.find((k) => k.state === 'active')!.kid).toBe(rotated.body.kid);
    expect(after.keys.find((k) => k.kid === oldActive)).toMatchObject({ state: 'retired', next: { transition: 'remove' } });
    const events = await call('GET', `${system.issuerUrl}/admin/audit/events?type=key_rotated&limit=5`, { token: admin });
    expect(events.body.events.length).toBeGreaterThanOrEqual(1);
    const twice = await Promise.all([0, 1].map(() => call('POST', `${system.issuerUrl}/admin/keys/rotate`, { token: admin })));
    for (const result of twice) expect(result.status).toBeLessThan(500);
  });
});
