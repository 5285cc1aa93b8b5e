import { adminLogin, call, decodeJwt, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { invalidToken, outcome } from './support/refusals';

/** RFC 9700 §4.14: logged-out tokens stay dead everywhere; refresh-token reuse and races. */
describe('session attacks', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system?.stop());

  const refresh = (token: string) => call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token: token } });
  /** Every guarded place the admin's session token is good for (the admin API takes only admin-audience tokens). */
  const everywhere = () => [`${system.ordersUrl}/me`, `${system.billingUrl}/me`, `${system.ordersUrl}/admin/ping`, `${system.billingUrl}/admin/ping`];
  const adminApi = () => `${system.issuerUrl}/admin/keys`;

  it('replays of a logged-out access token are refused at every service, the issuer included', async () => {
    const session = await login(system.issuerUrl, 'admin', 'admin-password');
    const adminToken = await adminLogin(system.issuerUrl);
    for (const url of everywhere()) expect({ url, status: (await call('GET', url, { token: session.access_token })).status }).toEqual({ url, status: 200 });
    expect((await call('GET', adminApi(), { token: adminToken })).status).toBe(200);
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token })).status).toBe(204);
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: adminToken })).status).toBe(204);
    const replays: [string, string][] = [...everywhere().map((url): [string, string] => [url, session.access_token]), [adminApi(), adminToken]];
    for (const [url, token] of replays) {
      for (let replay = 0; replay < 2; replay++) {
        expect(outcome(url, await call('GET', url, { token }))).toEqual(invalidToken(url));
      }
    }
    const again = await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token });
    expect(again.status).toBe(401);
    expect((await refresh(session.refresh_token)).status).toBe(400);
    const fresh = await login(system.issuerUrl, 'admin', 'admin-password');
    expect((await call('GET', `${system.ordersUrl}/me`, { token: fresh.access_token })).status).toBe(200);
  });

  it('log-out-everywhere kills every earlier access token of the subject, also on the other service', async () => {
    const a = await login(system.issuerUrl, 'alice', 'alice-password');
    const b = await login(system.issuerUrl, 'alice', 'alice-password');
    expect((await call('POST', `${system.issuerUrl}/auth/logout-all`, { token: a.access_token })).status).toBe(204);
    for (const token of [a.access_token, b.access_token]) {
      for (const url of [`${system.ordersUrl}/me`, `${system.billingUrl}/me`]) expect((await call('GET', url, { token })).status).toBe(401);
    }
    expect((await refresh(b.refresh_token)).status).toBe(400);
    // A login one second later starts a new session (cut-offs are whole seconds).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const later = await login(system.issuerUrl, 'alice', 'alice-password');
    expect((await call('GET', `${system.ordersUrl}/me`, { token: later.access_token })).status).toBe(200);
  });

  it('reuse of a rotated refresh token revokes the whole family', async () => {
    const first = await login(system.issuerUrl, 'alice', 'alice-password');
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    const third = await refresh(second.body.refresh_token);
    expect(third.status).toBe(200);
    const reuse = await refresh(first.refresh_token);
    expect(reuse.status).toBe(400);
    expect(reuse.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    // The family is gone: the newest token, which the thief may hold, no longer refreshes.
    const latest = await refresh(third.body.refresh_token);
    expect(latest.status).toBe(400);
    expect(latest.body.error).toBe('invalid_grant');
    // Another session of the same user is untouched.
    const other = await login(system.issuerUrl, 'alice', 'alice-password');
    expect((await refresh(other.refresh_token)).status).toBe(200);
  });

  it('a parallel refresh race has exactly one winner, and no two responses share a token', async () => {
    const { refresh_token } = await login(system.issuerUrl, 'alice', 'alice-password');
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(refresh_token)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
    for (const loser of results.filter((r) => r.status !== 200)) expect(loser.body.error).toBe('invalid_grant');
    const winner = results.find((r) => r.status === 200)!;
    expect(decodeJwt(winner.body.access_token).payload.sub).toBe(
      decodeJwt((await login(system.issuerUrl, 'alice', 'alice-password')).access_token).payload.sub,
    );
  });

  it('refresh tokens are refused when malformed, of another shape, or an access token', async () => {
    const { access_token } = await login(system.issuerUrl, 'alice', 'alice-password');
    const bad: unknown[] = [
      '',
      'x',
      'A'.repeat(43),
      'A'.repeat(44),
      access_token,
      `${'A'.repeat(42)}=`,
      42,
      null,
      ['A'.repeat(43)],
      { $ne: null },
      "' OR '1'='1",
    ];
    for (const value of bad) {
      const result = await call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token: value } });
      expect({ value, status: result.status, error: result.body?.error }).toEqual({
        value,
        status: 400,
        error: expect.stringMatching(/^(invalid_grant|invalid_request)$/),
      });
      expect(result.body.access_token).toBeUndefined();
    }
  });
});
