import { decodeJwt, login } from '../support/http';
import { eventually } from '../keys/support/keys-system';
import { FaultLane } from './support/fault-lane';
import { KEY_ACTIONS, outcomeOf } from './support/key-actions';
import { keyStep } from './support/key-steps';
import { keyTableProblems } from './support/key-table';

jest.setTimeout(60_000);

/**
 * Two replicas; the one that commits an emergency revocation dies before announcing it and stays down.
 * The survivor's periodic reload (KEY_RELOAD_INTERVAL) finds the unannounced change, stops signing with
 * the key and announces it, so guards drop the key at once instead of at their next JWKS refresh (60 s).
 */
describe('a replica killed between committing an emergency revocation and announcing it', () => {
  let lane: FaultLane;

  beforeAll(async () => {
    lane = await FaultLane.start({ KEY_ROTATION_TICK: '3600', KEY_RELOAD_INTERVAL: '1' }, { replica: true });
  });
  afterAll(() => lane?.stop());

  it('the surviving replica stops signing with the key and guards refuse its tokens within seconds', async () => {
    const { kid, token } = await lane.issueToken();
    expect(await lane.status(token)).toBe(200);
    const before = await lane.keys();
    const revoke = await KEY_ACTIONS.revoke.prepare(lane, before);
    const frozen = lane.proxy.freezeWhen(keyStep('committed'));
    const answered = revoke.fire();
    await frozen;
    await lane.issuer.kill();
    expect(await answered).toBeUndefined();
    const after = await lane.keys();
    expect(outcomeOf(before, after, revoke.plan)).toBe('committed');
    expect(after.find((r) => r.kid === kid)?.revoked_at).not.toBeNull();

    const survivor = lane.replica!;
    const refusedMs = await eventually(async () => (await lane.status(token)) === 401, 5000, 'guard refusing the revoked key');
    const signing = decodeJwt((await login(survivor.url, 'alice', 'alice-password')).access_token).header.kid;
    expect(signing).toBe(after.find((r) => r.state === 'active')?.kid);
    console.log(
      `revoking replica killed before its notice: the guard refused the revoked key's tokens ${refusedMs} ms later (survivor's KEY_RELOAD_INTERVAL 1 s)`,
    );
    expect(await keyTableProblems(lane.pg, lane.kek)).toEqual([]);
  });
});

/**
 * A partition that strands the key transaction's connection: the issuer times out and closes its socket,
 * but PostgreSQL never hears of it, so the session lives on "idle in transaction", holding the cluster-wide
 * key lock, until TCP keepalive notices (two hours by default). Every rotation, tick and emergency revoke
 * of every replica waits for that lock.
 */
describe('a key transaction stranded by a network partition', () => {
  let lane: FaultLane;

  beforeAll(async () => {
    lane = await FaultLane.start({ KEY_ROTATION_TICK: '3600' });
  });
  afterAll(() => lane?.stop());

  it('holds the key lock only until PostgreSQL ends the idle transaction; key changes work again afterwards', async () => {
    const admin = await lane.adminToken();
    // Not `call`: the stranded request waits out the driver's query timeout twice (the statement, then ROLLBACK).
    const rotate = async () => {
      const response = await fetch(`${lane.issuer.url}/admin/keys/rotate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
        signal: AbortSignal.timeout(30_000),
      });
      return { status: response.status, headers: response.headers, text: await response.text() };
    };
    const frozen = lane.proxy.freezeWhen(keyStep('write 1'));
    const stranded = rotate();
    await frozen;
    const started = Date.now();
    lane.proxy.strandFrozen();
    const first = await stranded;
    const firstMs = Date.now() - started;
    expect({ status: first.status, retryAfter: first.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
    const refusals: number[] = [];
    for (;;) {
      const next = await rotate();
      if (next.status === 200) break;
      expect({ status: next.status, retryAfter: next.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
      refusals.push(next.status);
      if (Date.now() - started > 30_000) throw new Error('the key lock is still held 30 s after the partition');
    }
    console.log(
      `stranded key transaction: its request answered 503 after ${firstMs} ms; key changes refused (503) for ${Date.now() - started} ms (${refusals.length + 1} refusals), then rotate 200`,
    );
    expect(await keyTableProblems(lane.pg, lane.kek)).toEqual([]);
  });
});
