import { call, login } from '../support/http';
import { basic, createClient } from '../support/oauth-clients';
import { PrivateRedis } from '../support/private-redis';
import { startTestSystem, TestSystem } from '../support/test-system';

/**
 * Redis stopped mid-test: guards fail closed (503 + Retry-After), the issuer reports failure instead of
 * pretending a logout or revocation happened, and everything recovers when Redis returns.
 * Runs on a private redis-server child process; the machine's Redis is never touched.
 * (Logout never starts: its own guard answers 503.) The RFC 7009 revocation answered 503 is already in
 * PostgreSQL's journal (written first), so it takes effect when this Redis comes back empty and is
 * re-seeded; a retry confirms it.
 */
describe('Redis outage', () => {
  let redis: PrivateRedis;
  let system: TestSystem;
  let client: { id: string; secret: string };

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    system = await startTestSystem({ REDIS_URL: redis.url });
    client = await createClient(system.databaseUrl, 'outage-probe', 'orders:read', 'orders-api');
  });
  afterAll(async () => {
    await system?.stop();
    await redis?.stop();
  });

  const expectUnavailable = (result: { status: number; headers: Headers }, what: string) => {
    expect({ what, status: result.status }).toEqual({ what, status: 503 });
    expect(result.headers.get('retry-after')).toMatch(/^\d+$/);
  };

  async function waitUntil(probe: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error('did not recover within 15 s of Redis returning');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('503 with Retry-After on guarded routes and failed logout/revoke while down; recovery when it returns', async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const bystander = await login(system.issuerUrl, 'admin', 'admin-password');
    for (const service of [system.ordersUrl, system.billingUrl]) expect((await call('GET', `${service}/me`, { token: session.access_token })).status).toBe(200);

    await redis.stop();

    for (const service of [system.ordersUrl, system.billingUrl]) {
      expectUnavailable(await call('GET', `${service}/me`, { token: session.access_token }), `${service}/me`);
      expectUnavailable(await call('GET', `${service}/admin/ping`, { token: session.access_token }), `${service}/admin/ping`);
    }
    expectUnavailable(await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token }), 'logout');
    expectUnavailable(await call('POST', `${system.issuerUrl}/auth/logout-all`, { token: session.access_token }), 'logout-all');
    // Revocation is public (no guard in front), so this is the issuer's own write failing: RFC 7009 §2.2.1.
    const revoke = await call('POST', `${system.issuerUrl}/oauth/revoke`, { form: { token: session.access_token } });
    expectUnavailable(revoke, 'revoke');
    expect(revoke.body.error).toBe('temporarily_unavailable');
    expect(revoke.headers.get('cache-control')).toContain('no-store');
    // Introspection cannot call a token active without the denylist.
    const introspect = await call('POST', `${system.issuerUrl}/oauth/introspect`, {
      form: { token: session.access_token },
      headers: basic(client.id, client.secret),
    });
    expectUnavailable(introspect, 'introspect');
    // Unguarded routes are unaffected; health says what is wrong.
    expect((await call('GET', `${system.ordersUrl}/health`)).status).toBe(503);
    expect((await call('GET', `${system.issuerUrl}/health`)).status).toBe(503);

    await redis.resume();
    await waitUntil(async () => (await call('GET', `${system.ordersUrl}/me`, { token: bystander.access_token })).status === 200);
    await waitUntil(async () => (await call('GET', `${system.billingUrl}/me`, { token: bystander.access_token })).status === 200);

    // Redis came back empty and was re-seeded from the journal, which took the revocation requested during the outage.
    for (const service of [system.ordersUrl, system.billingUrl]) expect((await call('GET', `${service}/me`, { token: session.access_token })).status).toBe(401);
    expect(
      (await call('POST', `${system.issuerUrl}/oauth/introspect`, { form: { token: session.access_token }, headers: basic(client.id, client.secret) })).body
        .active,
    ).toBe(false);
    // The retry the 503 asked for confirms it.
    expect((await call('POST', `${system.issuerUrl}/oauth/revoke`, { form: { token: session.access_token } })).status).toBe(200);
    expect((await call('GET', `${system.issuerUrl}/health`)).status).toBe(200);
  });
});
