import { Client } from 'pg';
import { call, decodeJwt, HttpResult, login } from '../support/http';
import { basic, createClient } from '../support/oauth-clients';
import { startTestSystem, TestSystem } from '../support/test-system';

/** A refresh reissues the pair: the access token it replaces is denied at once, on every refresh path. */
describe('a refresh discards the access token it replaces', () => {
  let system: TestSystem;
  let db: Client;
  let introspector: { id: string; secret: string };

  beforeAll(async () => {
    system = await startTestSystem();
    db = new Client({ connectionString: system.databaseUrl });
    await db.connect();
    introspector = await createClient(system.databaseUrl, 'replaced-introspector', 'orders:read', 'orders-api');
  });
  afterAll(async () => {
    await db?.end();
    await system?.stop();
  });

  /** [orders /me, billing /me, introspection active]. */
  const where = async (token: string) => [
    (await call('GET', `${system.ordersUrl}/me`, { token })).status,
    (await call('GET', `${system.billingUrl}/me`, { token })).status,
    (await call('POST', `${system.issuerUrl}/oauth/introspect`, { form: { token }, headers: basic(introspector.id, introspector.secret) })).body.active,
  ];
  const journalled = async (jti: string) => (await db.query('SELECT count(*)::int AS n FROM revoked_tokens WHERE jti = $1', [jti])).rows[0].n;

  const paths: [string, (refreshToken: string) => Promise<HttpResult>][] = [
    ['/auth/refresh', (refresh_token) => call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token } })],
    ['/oauth/token', (refresh_token) => call('POST', `${system.issuerUrl}/oauth/token`, { form: { grant_type: 'refresh_token', refresh_token } })],
  ];

  it.each(paths)('%s: the old access token is refused everywhere, the new one accepted, the denial durable', async (_path, refresh) => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    expect(await where(session.access_token)).toEqual([200, 200, true]);
    const next = await refresh(session.refresh_token);
    expect(next.status).toBe(200);
    expect(await where(session.access_token)).toEqual([401, 401, false]);
    expect(await where(next.body.access_token)).toEqual([200, 200, true]);
    // In PostgreSQL too, so a Redis that restarts empty is re-seeded with it.
    expect(await journalled(decodeJwt(session.access_token).payload.jti)).toBe(1);
    // And down the chain: the second refresh discards the first refresh's access token.
    const third = await refresh(next.body.refresh_token);
    expect(third.status).toBe(200);
    expect(await where(next.body.access_token)).toEqual([401, 401, false]);
    expect(await where(third.body.access_token)).toEqual([200, 200, true]);
  });

  it('a refused refresh changes nothing: the current access token keeps working', async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const widened = await call('POST', `${system.issuerUrl}/oauth/token`, {
      form: { grant_type: 'refresh_token', refresh_token: session.refresh_token, scope: 'orders:write' },
    });
    expect([widened.status, widened.body.error]).toEqual([400, 'invalid_scope']);
    expect(await where(session.access_token)).toEqual([200, 200, true]);
    expect(await journalled(decodeJwt(session.access_token).payload.jti)).toBe(0);
  });
});
