import Redis from 'ioredis';
import { Client } from 'pg';
import { MAX_CLOCK_TOLERANCE_SECONDS, REVOCATION_TTL_MARGIN_SECONDS, redisKeys } from '@app/contract';
import { call, decodeJwt, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';

/** Logout and log-out-everywhere take effect at every service at once, through Redis. */
describe('logout and log-out-everywhere', () => {
  let system: TestSystem;
  let redis: Redis;
  let db: Client;

  beforeAll(async () => {
    system = await startTestSystem();
    redis = new Redis(system.redisUrl);
    db = new Client({ connectionString: system.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    redis?.disconnect();
    await db?.end();
    await system?.stop();
  });

  const everywhere = () => [system.ordersUrl, system.billingUrl];
  const refresh = (token: string) => call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token: token } });

  it('logout refuses the access token at both services and ends the session without naming the refresh token', async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    for (const service of everywhere()) expect((await call('GET', `${service}/me`, { token: session.access_token })).status).toBe(200);

    const logout = await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token });
    expect(logout.status).toBe(204);
    for (const service of everywhere()) {
      const after = await call('GET', `${service}/me`, { token: session.access_token });
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    }
    // The token's `sid` names its refresh family, which is revoked with it.
    expect((await refresh(session.refresh_token)).body.error).toBe('invalid_grant');
    // A second logout with the same token is refused by the guard: it is dead.
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token })).status).toBe(401);
  });

  it("the denylist key is jti:<jti> under the prefix, with a TTL that outlives exp by more than any guard's clock tolerance", async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const { jti, exp } = decodeJwt(session.access_token).payload;
    const key = redisKeys(system.redisPrefix).deniedJti(jti);
    expect(await redis.exists(key)).toBe(0);
    // The issuer counts from the second it answers in; bracket that second by our clock before and after.
    const before = Math.floor(Date.now() / 1000);
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token })).status).toBe(204);
    const ttl = await redis.ttl(key);
    const after = Math.floor(Date.now() / 1000);
    expect(ttl).toBeGreaterThanOrEqual(exp - after + REVOCATION_TTL_MARGIN_SECONDS - 1);
    expect(ttl).toBeLessThanOrEqual(exp - before + REVOCATION_TTL_MARGIN_SECONDS);
    // A guard with CLOCK_TOLERANCE at its maximum still accepts the token until exp + tolerance: the entry must be there then.
    expect(Math.floor(Date.now() / 1000) + ttl).toBeGreaterThan(exp + MAX_CLOCK_TOLERANCE_SECONDS);
    // The ended session and the durable copy the re-seed reads live as long.
    const { sid } = decodeJwt(session.access_token).payload;
    expect(await redis.ttl(redisKeys(system.redisPrefix).endedSession(sid))).toBeGreaterThan(900 + MAX_CLOCK_TOLERANCE_SECONDS);
    const journal = await db.query(`SELECT EXTRACT(EPOCH FROM expires_at)::int AS until FROM revoked_tokens WHERE jti = $1`, [jti]);
    expect(journal.rows[0].until).toBeGreaterThan(exp + MAX_CLOCK_TOLERANCE_SECONDS);
  });

  it("logout with another user's refresh token in the body leaves that session alone", async () => {
    const alice = await login(system.issuerUrl, 'alice', 'alice-password');
    const admin = await login(system.issuerUrl, 'admin', 'admin-password');
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: alice.access_token, json: { refresh_token: admin.refresh_token } })).status).toBe(
      204,
    );
    expect((await refresh(admin.refresh_token)).status).toBe(200);
  });

  it('log-out-everywhere refuses every earlier access token at both services, revokes all refresh tokens, and a new login works', async () => {
    const first = await login(system.issuerUrl, 'alice', 'alice-password');
    const second = await login(system.issuerUrl, 'alice', 'alice-password');
    const rotated = (await refresh(second.refresh_token)).body;
    const bystander = await login(system.issuerUrl, 'admin', 'admin-password');
    const sub = decodeJwt(first.access_token).payload.sub;

    const result = await call('POST', `${system.issuerUrl}/auth/logout-all`, { token: first.access_token });
    expect(result.status).toBe(204);

    for (const token of [first.access_token, second.access_token, rotated.access_token]) {
      for (const base of [...everywhere(), system.issuerUrl]) {
        const path = base === system.issuerUrl ? '/auth/logout' : '/me';
        const method = base === system.issuerUrl ? 'POST' : 'GET';
        expect({ base, status: (await call(method, `${base}${path}`, { token })).status }).toEqual({ base, status: 401 });
      }
    }
    for (const token of [first.refresh_token, rotated.refresh_token]) expect((await refresh(token)).body.error).toBe('invalid_grant');
    const { rows } = await db.query('SELECT count(*)::int AS n FROM refresh_tokens WHERE subject = $1 AND revoked_at IS NULL', [sub]);
    expect(rows[0].n).toBe(0);
    expect(await redis.get(redisKeys(system.redisPrefix).subjectCutoff(sub))).toMatch(/^\d+$/);

    // Immediately after the 204: a fresh login is not caught by the cut-off.
    const again = await login(system.issuerUrl, 'alice', 'alice-password');
    for (const service of everywhere()) expect((await call('GET', `${service}/me`, { token: again.access_token })).status).toBe(200);
    expect((await refresh(again.refresh_token)).status).toBe(200);
    // Other users are untouched.
    expect((await call('GET', `${system.ordersUrl}/me`, { token: bystander.access_token })).status).toBe(200);

    const audit = await db.query(`SELECT details FROM audit_events WHERE type = 'logout_everywhere' AND subject = $1`, [sub]);
    expect(audit.rows[0].details.refresh_revoked).toBe(3);
  });

  it('logout needs a token, and refuses a malformed body with 400', async () => {
    expect((await call('POST', `${system.issuerUrl}/auth/logout`)).status).toBe(401);
    expect((await call('POST', `${system.issuerUrl}/auth/logout-all`)).status).toBe(401);
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const bad = await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token, json: { refresh_token: 7 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_request');
    // Nothing changed: the token still works.
    expect((await call('GET', `${system.ordersUrl}/me`, { token: session.access_token })).status).toBe(200);
  });

  it("the log-out-everywhere cut-off outlives a token issued just before it by more than any guard's clock tolerance", async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const { sub, exp } = decodeJwt(session.access_token).payload;
    expect((await call('POST', `${system.issuerUrl}/auth/logout-all`, { token: session.access_token })).status).toBe(204);
    const ttl = await redis.ttl(redisKeys(system.redisPrefix).subjectCutoff(sub));
    expect(Math.floor(Date.now() / 1000) + ttl).toBeGreaterThan(exp + MAX_CLOCK_TOLERANCE_SECONDS);
    const journal = await db.query(`SELECT EXTRACT(EPOCH FROM expires_at)::int AS until FROM subject_cutoffs WHERE subject = $1`, [sub]);
    expect(journal.rows[0].until).toBeGreaterThan(exp + MAX_CLOCK_TOLERANCE_SECONDS);
  });
});
