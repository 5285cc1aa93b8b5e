import { call, login } from '../support/http';
import { TcpProxy } from '../support/tcp-proxy';
import { startTestSystem, TestSystem } from '../support/test-system';
import { TEST_DATABASE_URL } from '../support/test-stores';

/** PostgreSQL gone: the issuer answers 503 instead of 500, spends nothing, and recovers by itself. */
describe('PostgreSQL down', () => {
  let system: TestSystem;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const real = new URL(TEST_DATABASE_URL);
    proxy = await TcpProxy.start({ host: real.hostname, port: Number(real.port || 5432) });
    // Limits below the failed logins tried during the outage: had they been counted, alice would be locked out after it.
    system = await startTestSystem(
      { LOGIN_MAX_FAILURES_PER_ACCOUNT: '2', LOGIN_MAX_FAILURES_PER_IP: '2', LOGIN_FAILURE_WINDOW: '600' },
      {
        issuerDatabaseUrl: (url) => {
          const viaProxy = new URL(url);
          viaProxy.hostname = '127.0.0.1';
          viaProxy.port = String(proxy.port);
          return viaProxy.toString();
        },
      },
    );
  });
  afterAll(async () => {
    await proxy?.restore();
    await system?.stop();
    await proxy?.close();
  });

  const refresh = (token: string) => call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token: token } });

  const expectUnavailable = (result: Awaited<ReturnType<typeof call>>, label: string) => {
    expect({ label, status: result.status, body: result.body, retry: Number(result.headers.get('retry-after')) > 0 }).toEqual({
      label,
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: expect.any(String) },
      retry: true,
    });
  };

  it('login and refresh answer 503 with Retry-After, resource services carry on, the refresh token survives and failed logins are not counted', async () => {
    const alice = await login(system.issuerUrl, 'alice', 'alice-password');
    await proxy.cut();
    try {
      for (let i = 0; i < 3; i++) {
        expectUnavailable(await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'alice', password: 'alice-password' } }), 'login');
        expectUnavailable(await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'alice', password: 'wrong-password' } }), 'failed login');
        expectUnavailable(await refresh(alice.refresh_token), 'refresh');
      }
      for (const service of [system.ordersUrl, system.billingUrl]) {
        expect((await call('GET', `${service}/me`, { token: alice.access_token })).status).toBe(200);
        expect((await call('GET', `${service}/health`)).status).toBe(200);
      }
      expect((await call('GET', `${system.issuerUrl}/.well-known/jwks.json`)).status).toBe(200);
      expect((await call('GET', `${system.issuerUrl}/health`)).status).toBe(503);
    } finally {
      await proxy.restore();
    }
    // The pool reconnects on its own; no restart.
    let health = 0;
    for (let i = 0; i < 40 && health !== 200; i++) {
      health = (await call('GET', `${system.issuerUrl}/health`)).status;
      if (health !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(health).toBe(200);
    const refreshed = await refresh(alice.refresh_token);
    expect(refreshed.status).toBe(200);
    expect((await login(system.issuerUrl, 'alice', 'alice-password')).access_token).toBeDefined();
    // The three failed logins during the outage (above the limit of 2) were not counted as credential failures.
    expect((await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'alice', password: 'alice-password' } })).status).toBe(200);
    // Control: with the database up, the same failures do count and the limit bites.
    for (let i = 0; i < 2; i++)
      expect((await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'alice', password: 'wrong-password' } })).status).toBe(401);
    expect((await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'alice', password: 'alice-password' } })).status).toBe(429);
  });
});
