import { call, decodeJwt, login } from '../support/http';
import { adminKeys, byState, jwksKids, KeysSystem, startKeysSystem } from './support/keys-system';

/**
 * The scheduled lifecycle against a clock the test moves: rotation by stored timestamps, tokens of a
 * retired key honoured until they expire, removal only after the last of them, resumption after restarts.
 * Short timings that keep the production ordering: max-age 10 s + reload 1 s < lead 20 s <= interval 60 s.
 */
const ENV = {
  JWKS_MAX_AGE: '10',
  KEY_RELOAD_INTERVAL: '1',
  KEY_PUBLISH_LEAD_TIME: '20',
  KEY_ROTATION_INTERVAL: '60',
  ACCESS_TOKEN_TTL: '600',
  KEY_REMOVAL_GRACE: '60',
};
const REMOVAL_DELAY_MS = (600 + 1 + 60) * 1000;

jest.setTimeout(60_000);

let system: KeysSystem;
const status = async (url: string, token: string) => (await call('GET', `${url}/me`, { token })).status;
const statuses = (token: string) => Promise.all(system.serviceUrls.map((url) => status(url, token)));
/** Moves the clock and waits until a whole scheduler tick ran at the new time. */
const moveTo = async (ms: number) => {
  system.clock.set(ms);
  await system.clock.afterReads(2);
};
// Tokens carry real-time iat/exp while the guards read the test clock, so each scenario starts near real time.
const freshSystem = () => {
  beforeAll(async () => {
    system = await startKeysSystem({ env: ENV, guard: { jwksRefreshIntervalMs: 500 } });
  });
  afterAll(() => system?.stop());
};

describe('scheduled key lifecycle (controllable clock)', () => {
  freshSystem();

  it('a token signed before rotation works at both services until it expires; its key leaves the JWKS only after that', async () => {
    const initial = await adminKeys(system);
    const [first] = byState(initial, 'active');
    const [next] = byState(initial, 'pending');
    expect(Date.parse(next.activate_after!) - Date.parse(next.created_at)).toBeGreaterThanOrEqual(60_000);
    expect(await jwksKids(system.issuerUrl)).toEqual(expect.arrayContaining([first.kid, next.kid]));

    const before = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
    expect(decodeJwt(before).header.kid).toBe(first.kid);
    const exp = decodeJwt(before).payload.exp * 1000;

    await moveTo(Date.parse(next.activate_after!) + 1000);
    const rotated = await adminKeys(system);
    expect(byState(rotated, 'active').map((k) => k.kid)).toEqual([next.kid]);
    const retired = rotated.find((k) => k.kid === first.kid)!;
    expect(retired.state).toBe('retired');
    expect(Date.parse(retired.remove_after!) - Date.parse(retired.retired_at!)).toBe(REMOVAL_DELAY_MS);
    expect(Date.parse(retired.remove_after!)).toBeGreaterThan(exp + 60_000);

    const after = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
    expect(decodeJwt(after).header.kid).toBe(next.kid);
    expect(await statuses(after)).toEqual([200, 200]);
    expect(await statuses(before)).toEqual([200, 200]);

    await moveTo(exp - 10_000); // the clock keeps running while ticks are awaited: margins of 10 s
    expect(await statuses(before)).toEqual([200, 200]);
    expect(await jwksKids(system.issuerUrl)).toContain(first.kid);

    system.clock.set(exp + 6000); // past exp and the guards' 5 s tolerance
    expect(await statuses(before)).toEqual([401, 401]);

    await moveTo(Date.parse(retired.remove_after!) - 10_000);
    expect(await jwksKids(system.issuerUrl)).toContain(first.kid);
    const [kept] = await system.sql<{ private_key_encrypted: string | null }>('SELECT private_key_encrypted FROM signing_keys WHERE kid = $1', [first.kid]);
    expect(kept.private_key_encrypted).toEqual(expect.any(String));

    await moveTo(Date.parse(retired.remove_after!) + 1000);
    expect(await jwksKids(system.issuerUrl)).not.toContain(first.kid);
    const [gone] = await system.sql<{ state: string; private_key_encrypted: string | null; removed_at: Date | null }>(
      'SELECT state, private_key_encrypted, removed_at FROM signing_keys WHERE kid = $1',
      [first.kid],
    );
    expect(gone).toEqual({ state: 'removed', private_key_encrypted: null, removed_at: expect.any(Date) });
    const audit = await system.sql<{ type: string }>(`SELECT type FROM audit_events WHERE details->>'kid' = $1 ORDER BY id`, [first.kid]);
    expect(audit.map((a) => a.type)).toEqual(['key_generated', 'key_activated', 'key_retired', 'key_removed']);
  });

  it('a restart at any moment resumes from the stored timestamps: what fell due while down happens at start', async () => {
    const rows = await adminKeys(system);
    const [active] = byState(rows, 'active');
    const [pending] = byState(rows, 'pending');
    const retired = byState(rows, 'retired');
    expect(retired.length).toBeGreaterThan(0);
    const latest = Math.max(Date.parse(pending.activate_after!), ...retired.map((k) => Date.parse(k.remove_after!)));
    await system.restartIssuer({}, () => system.clock.set(latest + 1000));
    // No tick of the new process is awaited: start-up itself applied what was due.
    const resumed = await adminKeys(system);
    expect(byState(resumed, 'active').map((k) => k.kid)).toEqual([pending.kid]);
    for (const old of [active, ...retired]) expect(resumed.find((k) => k.kid === old.kid)?.state).toBe(old === active ? 'retired' : 'removed');
    expect(byState(resumed, 'pending')).toHaveLength(1);
    expect(await jwksKids(system.issuerUrl)).toEqual(resumed.filter((k) => k.state !== 'removed').map((k) => k.kid));
  });
});

describe('switching SIGNING_ALG', () => {
  freshSystem();

  it('a new SIGNING_ALG replaces the unused next key at restart and takes over by rotation, old tokens still valid', async () => {
    const old = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
    const [oldPending] = byState(await adminKeys(system), 'pending');
    await system.restartIssuer({ SIGNING_ALG: 'EdDSA' });
    const rows = await adminKeys(system);
    expect(rows.find((k) => k.kid === oldPending.kid)?.state).toBe('removed');
    const [next] = byState(rows, 'pending');
    expect(next.alg).toBe('EdDSA');
    expect(Date.parse(next.activate_after!) - Date.parse(next.created_at)).toBeGreaterThanOrEqual(20_000);

    await new Promise((resolve) => setTimeout(resolve, 700)); // the services' JWKS refresh (500 ms) sees the new key
    await moveTo(Date.parse(next.activate_after!) + 1000);
    const fresh = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
    expect(decodeJwt(fresh).header).toMatchObject({ alg: 'EdDSA', kid: next.kid });
    expect(await statuses(fresh)).toEqual([200, 200]);
    expect(await statuses(old)).toEqual([200, 200]);
  });
});
