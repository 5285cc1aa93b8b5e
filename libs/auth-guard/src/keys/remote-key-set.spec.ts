import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { jwksOf, LocalKey } from '@app/auth-guard/testing';
import { VerificationError, VerificationFailure } from '../verify/verification.error';
import type { JwksFetcher, JwksFetchResult } from './jwks.client';
import { parseJwks } from './jwks.parser';
import { DEFAULT_MAX_STALENESS_MS, RemoteKeySet, REVOKED_KID_RETENTION_MS } from './remote-key-set';

// The warnings these scenarios provoke on purpose would only bury real failures in the test output.
beforeAll(() => Logger.overrideLogger(false));
afterAll(() => Logger.overrideLogger(['error', 'warn', 'log']));

const COOLDOWN = 10_000;
const REFRESH = 60_000;

/** Serves a controllable JWKS in memory: counts fetches, can fail, can be held open. */
class FakeFetcher implements JwksFetcher {
  calls = 0;
  failing = false;
  empty = false;
  private gate?: Promise<void>;
  private release?: () => void;

  constructor(public keys: LocalKey[]) {}

  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release?.();
    this.gate = undefined;
  }

  maxAgeMs?: number;

  async fetch(): Promise<JwksFetchResult> {
    this.calls += 1;
    const snapshot = this.keys;
    if (this.gate) await this.gate;
    if (this.failing) throw new Error('issuer unreachable');
    return { modified: true, keys: this.empty ? new Map() : parseJwks(jwksOf(...snapshot)), maxAgeMs: this.maxAgeMs };
  }
}

async function codeOf(promise: Promise<unknown>): Promise<VerificationFailure | 'found' | 'absent'> {
  try {
    return (await promise) ? 'found' : 'absent';
  } catch (error) {
    if (error instanceof VerificationError) return error.code;
    throw error;
  }
}

const randomKid = () => randomBytes(8).toString('hex');

describe('RemoteKeySet', () => {
  const keyA = LocalKey.generate('RS256', 'key-a');
  const keyB = LocalKey.generate('ES256', 'key-b');
  let now: number;
  let fetcher: FakeFetcher;
  let set: RemoteKeySet;

  beforeEach(() => {
    now = 1_000_000;
    fetcher = new FakeFetcher([keyA]);
    set = new RemoteKeySet({ issuer: 'https://issuer.test', fetchTimeoutMs: 1000, cooldownMs: COOLDOWN, refreshIntervalMs: REFRESH, now: () => now, fetcher });
  });
  afterEach(() => set.stop());

  it('answers a known kid from memory after one fetch', async () => {
    await set.refresh();
    for (let i = 0; i < 50; i++) expect((await set.getKey('key-a'))?.kid).toBe('key-a');
    expect(fetcher.calls).toBe(1);
    expect(set.isReady()).toBe(true);
    expect([...set.algorithms()]).toEqual(['RS256']);
  });

  it('shares one fetch among 200 concurrent lookups of unknown kids', async () => {
    await set.refresh();
    now += COOLDOWN;
    const results = await Promise.all(Array.from({ length: 200 }, () => codeOf(set.getKey(randomKid()))));
    expect(results.every((r) => r === 'absent')).toBe(true);
    expect(fetcher.calls).toBe(2);
  });

  it('fetches at most once per cooldown for a stream of random kids', async () => {
    await set.refresh();
    for (let second = 0; second < 35; second++) {
      now += 1000;
      await Promise.all(Array.from({ length: 20 }, () => set.getKey(randomKid())));
    }
    // 35 s at a 10 s cooldown: fetches at t=10, 20, 30 after the initial one.
    expect(fetcher.calls).toBe(1 + 3);
  });

  it('finds a newly published kid with the unknown-kid refetch', async () => {
    await set.refresh();
    fetcher.keys = [keyA, keyB];
    now += COOLDOWN;
    expect((await set.getKey('key-b'))?.alg).toBe('ES256');
    expect(fetcher.calls).toBe(2);
  });

  it('keeps a kid that stayed unknown in the negative cache after the cooldown, until the set changes', async () => {
    await set.refresh();
    now += COOLDOWN;
    expect(await codeOf(set.getKey('bogus'))).toBe('absent');
    now += COOLDOWN * 2;
    expect(await codeOf(set.getKey('bogus'))).toBe('absent');
    expect(fetcher.calls).toBe(2);
    await set.refreshNow();
    now += COOLDOWN;
    expect(await codeOf(set.getKey('bogus'))).toBe('absent');
    expect(fetcher.calls).toBe(4);
  });

  it('never makes a known kid wait for a fetch in flight', async () => {
    await set.refresh();
    now += COOLDOWN;
    fetcher.hold();
    const unknown = set.getKey(randomKid());
    const known = await Promise.race([set.getKey('key-a'), new Promise((resolve) => setTimeout(() => resolve('waited'), 200))]);
    expect((known as { kid: string }).kid).toBe('key-a');
    fetcher.open();
    expect(await codeOf(unknown)).toBe('absent');
  });

  it('keeps serving the last good set while fetches fail (stale-if-error)', async () => {
    await set.refresh();
    fetcher.failing = true;
    await expect(set.refresh()).rejects.toThrow();
    now += COOLDOWN;
    expect(await codeOf(set.getKey(randomKid()))).toBe('absent');
    expect(await codeOf(set.getKey('key-a'))).toBe('found');
    expect(set.isReady()).toBe(true);
  });

  it('keeps the last good set when the JWKS comes back empty', async () => {
    await set.refresh();
    fetcher.empty = true;
    await expect(set.refresh()).rejects.toMatchObject({ code: 'ERR_JWKS_NO_USABLE_KEY' });
    expect(await codeOf(set.getKey('key-a'))).toBe('found');
  });

  it('answers 503 (ERR_KEYS_UNAVAILABLE), never 401, on a cold set whose fetches fail, within the cooldown too', async () => {
    fetcher.failing = true;
    await expect(set.refresh()).rejects.toThrow(); // the prewarm at start
    const kid = 'key-a';
    // Formerly the second lookup of a kid hit the negative cache and answered ERR_KID_UNKNOWN (401).
    for (let i = 0; i < 5; i++) {
      now += 1000;
      expect(await codeOf(set.getKey(kid))).toBe('ERR_KEYS_UNAVAILABLE');
      expect(await codeOf(set.getKey(randomKid()))).toBe('ERR_KEYS_UNAVAILABLE');
    }
    expect(fetcher.calls).toBe(1);
    const error = await set.getKey(kid).catch((e: VerificationError) => e);
    expect((error as VerificationError).retryAfterSeconds).toBe(5);
  });

  it('a cold set retries once per cooldown and recovers as soon as the issuer answers', async () => {
    fetcher.failing = true;
    await expect(set.refresh()).rejects.toThrow();
    now += COOLDOWN;
    expect(await codeOf(set.getKey('key-a'))).toBe('ERR_KEYS_UNAVAILABLE');
    expect(fetcher.calls).toBe(2);
    fetcher.failing = false;
    now += COOLDOWN;
    expect(await codeOf(set.getKey('key-a'))).toBe('found');
    expect(fetcher.calls).toBe(3);
  });

  it('refreshNow bypasses the cooldown', async () => {
    await set.refresh();
    fetcher.keys = [keyA, keyB];
    await set.refreshNow();
    expect(await codeOf(set.getKey('key-b'))).toBe('found');
    expect(fetcher.calls).toBe(2);
  });

  it('refreshNow during a fetch in flight fetches once more after it, shared by concurrent calls', async () => {
    await set.refresh();
    fetcher.hold();
    const stale = set.refresh(); // started before the change
    fetcher.keys = [keyA, keyB];
    const fresh = Promise.all([set.refreshNow(), set.refreshNow(), set.refreshNow()]);
    fetcher.open();
    await stale;
    await fresh;
    expect(fetcher.calls).toBe(3);
    expect(await codeOf(set.getKey('key-b'))).toBe('found');
  });

  it('revokeKey stops trusting the kid at once, and a JWKS still listing it cannot bring it back', async () => {
    fetcher.keys = [keyA, keyB];
    await set.refresh();
    fetcher.hold();
    set.revokeKey('key-a');
    expect(await codeOf(set.getKey('key-a'))).toBe('absent');
    fetcher.open();
    await set.refreshNow();
    expect(fetcher.calls).toBeGreaterThanOrEqual(2);
    expect(await codeOf(set.getKey('key-a'))).toBe('absent');
    expect(await codeOf(set.getKey('key-b'))).toBe('found');
    expect([...set.algorithms()]).toEqual(['ES256']);
  });

  it('a revoked kid stays refused however many other kids are revoked after it, while a JWKS still lists it', async () => {
    fetcher.keys = [keyA, keyB];
    await set.refresh();
    set.revokeKey('key-a');
    for (let i = 0; i < 1500; i++) set.revokeKey(randomKid());
    now += COOLDOWN;
    await set.refreshNow();
    expect(await codeOf(set.getKey('key-a'))).toBe('absent');
    // Long after the revocation, a JWKS that still lists it (a lagging replica, a cache) cannot bring it back either.
    now += REVOKED_KID_RETENTION_MS * 2;
    await set.refreshNow();
    expect(await codeOf(set.getKey('key-a'))).toBe('absent');
    expect(await codeOf(set.getKey('key-b'))).toBe('found');
  });

  it('forgets a revoked kid only once no JWKS has listed it for the retention period', async () => {
    fetcher.keys = [keyA, keyB];
    await set.refresh();
    set.revokeKey('key-a');
    fetcher.keys = [keyB];
    await set.refreshNow();
    now += REVOKED_KID_RETENTION_MS + 1;
    await set.refreshNow();
    expect((set as unknown as { revoked: Map<string, number> }).revoked.has('key-a')).toBe(false);
  });

  it('trusts the last good set for at most maxStalenessMs without a successful fetch, then refuses (503) until one succeeds', async () => {
    await set.refresh();
    fetcher.failing = true;
    now += DEFAULT_MAX_STALENESS_MS;
    expect(await codeOf(set.getKey('key-a'))).toBe('found');
    expect(set.isReady()).toBe(true);
    now += 1;
    const refused = await set.getKey('key-a').catch((error: VerificationError) => error);
    expect(refused).toBeInstanceOf(VerificationError);
    expect((refused as VerificationError).code).toBe('ERR_KEYS_UNAVAILABLE');
    expect((refused as VerificationError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(set.isReady()).toBe(false);
    // Unknown kids get the same answer, not a 401 from a stale negative cache.
    expect(await codeOf(set.getKey('key-b'))).toBe('ERR_KEYS_UNAVAILABLE');
    fetcher.failing = false;
    now += COOLDOWN;
    expect(await codeOf(set.getKey('key-a'))).toBe('found');
    expect(set.isReady()).toBe(true);
  });

  it('honours a configured maxStalenessMs', async () => {
    const short = new RemoteKeySet({
      issuer: 'https://issuer.test',
      fetchTimeoutMs: 1000,
      cooldownMs: COOLDOWN,
      refreshIntervalMs: REFRESH,
      maxStalenessMs: 2 * REFRESH,
      now: () => now,
      fetcher,
    });
    await short.refresh();
    fetcher.failing = true;
    now += 2 * REFRESH + 1;
    expect(await codeOf(short.getKey('key-a'))).toBe('ERR_KEYS_UNAVAILABLE');
  });
});

describe('RemoteKeySet background refresh', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('refreshes every interval while push is connected, every cooldown while it is not', async () => {
    const fetcher = new FakeFetcher([LocalKey.generate('EdDSA')]);
    const set = new RemoteKeySet({ issuer: 'https://issuer.test', fetchTimeoutMs: 1000, cooldownMs: COOLDOWN, refreshIntervalMs: REFRESH, fetcher });
    await set.refresh();
    set.setPushConnected(true);
    set.start();
    await jest.advanceTimersByTimeAsync(REFRESH * 1.1 + 1);
    expect(fetcher.calls).toBe(2);
    set.setPushConnected(false);
    await jest.advanceTimersByTimeAsync(COOLDOWN * 3.3 + 1);
    expect(fetcher.calls).toBe(5);
    set.stop();
    await jest.advanceTimersByTimeAsync(REFRESH * 2);
    expect(fetcher.calls).toBe(5);
  });

  it("refreshes at the issuer's max-age when it is shorter than the interval, never faster than the cooldown", async () => {
    const fetcher = new FakeFetcher([LocalKey.generate('RS256')]);
    fetcher.maxAgeMs = REFRESH / 4;
    const set = new RemoteKeySet({ issuer: 'https://issuer.test', fetchTimeoutMs: 1000, cooldownMs: COOLDOWN, refreshIntervalMs: REFRESH, fetcher });
    await set.refresh();
    set.setPushConnected(true);
    set.start();
    await jest.advanceTimersByTimeAsync(REFRESH * 1.1 + 1);
    expect(fetcher.calls).toBe(5);
    fetcher.maxAgeMs = 1000;
    await jest.advanceTimersByTimeAsync((REFRESH / 4) * 1.1 + 1);
    await jest.advanceTimersByTimeAsync(COOLDOWN * 2.2 + 1);
    expect(fetcher.calls).toBe(8);
    set.stop();
  });
});
