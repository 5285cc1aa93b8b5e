import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { call, decodeJwt, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';

/** Refresh rotation, reuse detection and the concurrent-refresh race, over HTTP on real PostgreSQL. */
describe('refresh tokens: rotation, reuse detection, races', () => {
  let system: TestSystem;
  let db: Client;

  beforeAll(async () => {
    system = await startTestSystem();
    db = new Client({ connectionString: system.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await system?.stop();
  });

  const refresh = (token: unknown) => call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token: token } });

  it('each refresh returns a new pair in the same session and spends the old refresh token', async () => {
    const first = await login(system.issuerUrl, 'alice', 'alice-password');
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.headers.get('cache-control')).toContain('no-store');
    expect(second.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(second.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    const before = decodeJwt(first.access_token).payload;
    const after = decodeJwt(second.body.access_token).payload;
    expect(after.sub).toBe(before.sub);
    expect(after.sid).toBe(before.sid);
    expect(after.jti).not.toBe(before.jti);
    for (const service of [system.ordersUrl, system.billingUrl]) {
      expect((await call('GET', `${service}/me`, { token: second.body.access_token })).status).toBe(200);
    }
    const third = await refresh(second.body.refresh_token);
    expect(third.status).toBe(200);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM refresh_tokens WHERE family_id = $1 AND spent_at IS NOT NULL', [before.sid]);
    expect(rows[0].n).toBe(2);
  });

  it("only hashes are stored: the session has its row, holding the token's SHA-256 and never the token", async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const { sid } = decodeJwt(session.access_token).payload;
    const { rows } = await db.query('SELECT * FROM refresh_tokens WHERE family_id = $1', [sid]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(createHash('sha256').update(session.refresh_token).digest('base64url'));
    expect(JSON.stringify(rows)).not.toContain(session.refresh_token);
  });

  it('a spent token presented again revokes the whole family: the newest token fails too', async () => {
    const r1 = (await login(system.issuerUrl, 'alice', 'alice-password')).refresh_token;
    const r2 = (await refresh(r1)).body.refresh_token;
    const r3 = (await refresh(r2)).body.refresh_token;
    const other = await login(system.issuerUrl, 'alice', 'alice-password');

    const replay = await refresh(r1);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    const newest = await refresh(r3);
    expect(newest.status).toBe(400);
    expect(newest.body.error).toBe('invalid_grant');
    // Another session of the same user is a different family and lives on.
    expect((await refresh(other.refresh_token)).status).toBe(200);

    const { rows } = await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE type = 'refresh_reuse' AND details->>'action' = 'family_revoked'`);
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
  });

  it('concurrent refreshes with one token: exactly one succeeds, every round (30 rounds of 5)', async () => {
    const rounds = 30;
    for (let round = 0; round < rounds; round++) {
      const session = await login(system.issuerUrl, 'alice', 'alice-password');
      const results = await Promise.all(Array.from({ length: 5 }, () => refresh(session.refresh_token)));
      const statuses = results.map((r) => r.status).sort();
      expect({ round, statuses }).toEqual({ round, statuses: [200, 400, 400, 400, 400] });
      expect(results.filter((r) => r.status === 400).every((r) => r.body.error === 'invalid_grant')).toBe(true);
      // No grace window: the losers count as reuse, so the winner's new token is revoked as well.
      const winner = results.find((r) => r.status === 200)!;
      expect((await refresh(winner.body.refresh_token)).status).toBe(400);
    }
  });

  it('the race holds across /auth/refresh and /oauth/token alike', async () => {
    for (let round = 0; round < 5; round++) {
      const session = await login(system.issuerUrl, 'alice', 'alice-password');
      const results = await Promise.all([
        refresh(session.refresh_token),
        call('POST', `${system.issuerUrl}/oauth/token`, { form: { grant_type: 'refresh_token', refresh_token: session.refresh_token } }),
        refresh(session.refresh_token),
        call('POST', `${system.issuerUrl}/oauth/token`, { form: { grant_type: 'refresh_token', refresh_token: session.refresh_token } }),
      ]);
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    }
  });

  it('an expired refresh token is invalid_grant', async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const sid = decodeJwt(session.access_token).payload.sid;
    await db.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE family_id = $1`, [sid]);
    const result = await refresh(session.refresh_token);
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('invalid_grant');
  });

  it('a disabled user cannot refresh, and the family is revoked', async () => {
    const session = await login(system.issuerUrl, 'admin', 'admin-password');
    await db.query(`UPDATE users SET disabled = true WHERE username = 'admin'`);
    try {
      const result = await refresh(session.refresh_token);
      expect(result.status).toBe(400);
      expect(result.body.error).toBe('invalid_grant');
    } finally {
      await db.query(`UPDATE users SET disabled = false WHERE username = 'admin'`);
    }
    const { rows } = await db.query('SELECT count(*)::int AS n FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NULL', [
      decodeJwt(session.access_token).payload.sid,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('refuses malformed refresh requests with 400 and changes nothing', async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const cases: [string, unknown, string][] = [
      ['no body field', {}, 'invalid_request'],
      ['number', 42, 'invalid_request'],
      ['array body', [session.refresh_token], 'invalid_request'],
      ['empty string', '', 'invalid_request'],
      ['object token', { refresh_token: { $ne: null } }, 'invalid_request'],
      ['unknown token', 'A'.repeat(43), 'invalid_grant'],
      ['too long', `${session.refresh_token}x`, 'invalid_grant'],
      ['an access token', session.access_token, 'invalid_grant'],
    ];
    for (const [name, value, error] of cases) {
      const json = value !== null && typeof value === 'object' ? value : { refresh_token: value };
      const result = await call('POST', `${system.issuerUrl}/auth/refresh`, { json });
      expect({ name, status: result.status, error: result.body?.error }).toEqual({ name, status: 400, error });
    }
    expect((await refresh(session.refresh_token)).status).toBe(200);
  });
});
