import { Logger } from '../log/logger';
import { IssuerFetchError } from '../issuer/issuer-fetch.error';
import { VerificationError } from '../verify/verification.error';
import { JwksFetcher, JwksHttpClient } from './jwks.client';
import type { KeySource, VerificationKey } from './key-source';

export interface RemoteKeySetOptions {
  issuer: string;
  jwksUrl?: string;
  /** One deadline for discovery plus JWKS download. */
  fetchTimeoutMs: number;
  /** Minimum gap between fetches triggered by unknown kids (and retries of a cold set). */
  cooldownMs: number;
  /** Background refresh period; bounds how long a removed key stays trusted without push. */
  refreshIntervalMs: number;
  /**
   * How long the last good key set may be used after the last successful fetch (a 304 counts): past it every
   * lookup is refused with ERR_KEYS_UNAVAILABLE (503) until a fetch succeeds, so a guard that missed a key
   * revocation while the issuer was unreachable stops trusting the revoked key. Default 15 min.
   */
  maxStalenessMs?: number;
  now?: () => number;
  /** Replaces the HTTP client (tests). */
  fetcher?: JwksFetcher;
}

const NEGATIVE_CACHE_LIMIT = 10_000;
/** ACCESS_TOKEN_TTL's default: after an outage this long every token the issuer signed before it has expired. */
export const DEFAULT_MAX_STALENESS_MS = 15 * 60_000;
/**
 * A revoked kid is remembered for this long after a JWKS last listed it (however many kids are revoked meanwhile):
 * while any key set we fetch or keep can still hold the key, it can verify something, so it must stay refused.
 */
export const REVOKED_KID_RETENTION_MS = 24 * 60 * 60_000;
const noop = () => undefined;

/**
 * The issuer's JWKS, cached in memory and shared by every request.
 *
 * - A known kid is answered from memory and never waits for the network.
 * - An unknown kid triggers at most one fetch per cooldown, shared by all concurrent callers
 *   (single-flight); kids still unknown afterwards are negatively cached until the set changes.
 * - A failed or empty fetch never replaces the last good set (stale-if-error), for at most maxStalenessMs:
 *   after that every lookup fails with ERR_KEYS_UNAVAILABLE (503) until a fetch succeeds.
 * - Until a first set has loaded, every lookup fails fast with ERR_KEYS_UNAVAILABLE (503), never 401.
 * - Push (refreshNow, revokeKey) bypasses the cooldown; a revoked kid is refused for as long as a JWKS lists it,
 *   and REVOKED_KID_RETENTION_MS after (bounded by time, not by how many other kids were revoked).
 */
export class RemoteKeySet implements KeySource {
  private readonly logger = new Logger('RemoteKeySet');
  private readonly fetcher: JwksFetcher;
  private keys = new Map<string, VerificationKey>();
  private algs: ReadonlySet<string> = new Set();
  private loaded = false;
  private etag?: string;
  /** Cache-Control max-age of the last JWKS response, if any. */
  private issuerMaxAgeMs?: number;
  private inflight?: Promise<void>;
  private queued?: Promise<void>;
  private lastFetchAt = -Infinity;
  private readonly unknownKids = new Map<string, number>();
  /** Revoked kid → when it may be forgotten (ms since the epoch). */
  private readonly revoked = new Map<string, number>();
  private pushConnected?: boolean;
  private timer?: NodeJS.Timeout;
  private running = false;
  /** JWKS fetch attempts so far; for metrics and tests. */
  fetchCount = 0;
  /** When the last fetch succeeded (ms since the epoch), if ever. */
  lastSuccessAt?: number;

  constructor(private readonly options: RemoteKeySetOptions) {
    this.fetcher = options.fetcher ?? new JwksHttpClient({ issuer: options.issuer, jwksUrl: options.jwksUrl, timeoutMs: options.fetchTimeoutMs });
  }

  async getKey(kid: string): Promise<VerificationKey | undefined> {
    if (this.isStale()) {
      if (!this.inflight && this.now() - this.lastFetchAt >= this.options.cooldownMs) await this.refresh().catch(noop);
      else await (this.queued ?? this.inflight)?.catch(noop);
      this.assertFresh();
    }
    const known = this.keys.get(kid);
    if (known) return known;
    if (this.revoked.has(kid) || (this.unknownKids.get(kid) ?? -Infinity) > this.now()) {
      this.assertWarm();
      return undefined;
    }
    const pending = this.queued ?? this.inflight;
    if (pending) await pending.catch(noop);
    else if (this.now() - this.lastFetchAt >= this.options.cooldownMs) await this.refresh().catch(noop);
    // A cold set answers 503 on every path, including the cooldown and negative-cache ones above.
    this.assertWarm();
    const key = this.keys.get(kid);
    if (!key) this.rememberUnknown(kid);
    return key;
  }

  heldKey(kid: string): VerificationKey | undefined {
    return this.isStale() ? undefined : this.keys.get(kid);
  }

  isReady(): boolean {
    return this.loaded && !this.isStale();
  }

  algorithms(): ReadonlySet<string> {
    return this.algs;
  }

  /** Fetches the JWKS, joining a fetch already in flight. */
  refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** A fetch that starts after this call (a change notice may postdate the one in flight); concurrent calls share it. */
  refreshNow(): Promise<void> {
    if (!this.inflight) return this.refresh();
    this.queued ??= this.inflight.catch(noop).then(() => {
      this.queued = undefined;
      return this.refresh();
    });
    return this.queued;
  }

  revokeKey(kid: string): void {
    this.revoked.set(kid, this.now() + REVOKED_KID_RETENTION_MS);
    if (this.keys.delete(kid)) this.algs = algorithmsOf(this.keys);
    this.logger.warn(`key ${kid} revoked by the issuer; no longer trusted`);
    void this.refreshNow().catch(noop);
  }

  setPushConnected(connected: boolean): void {
    if (this.pushConnected === connected) return;
    this.pushConnected = connected;
    if (this.running) this.schedule();
  }

  /** Starts background refreshes: every refreshIntervalMs, or every cooldownMs while cold or without push. */
  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const healthy = this.loaded && !this.isStale() && this.pushConnected !== false;
    // The issuer's max-age bounds the period: it keeps max-age below its key pre-publication lead time.
    const steady = Math.min(this.options.refreshIntervalMs, this.issuerMaxAgeMs ?? Infinity);
    const period = healthy ? Math.max(steady, this.options.cooldownMs) : this.options.cooldownMs;
    // Up to 10% jitter (never less than the period) so a fleet of guards does not refresh in lockstep.
    this.timer = setTimeout(
      () => {
        // Background fetches respect the cooldown too, so the issuer never sees two within one.
        const due = this.now() - this.lastFetchAt >= this.options.cooldownMs;
        void (due ? this.refresh() : Promise.resolve()).catch(noop).finally(() => this.running && this.schedule());
      },
      period * (1 + Math.random() * 0.1),
    );
    this.timer.unref();
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private assertWarm(): void {
    if (this.loaded) return;
    const wait = Math.ceil((this.lastFetchAt + this.options.cooldownMs - this.now()) / 1000);
    throw new VerificationError('ERR_KEYS_UNAVAILABLE', 'no key set loaded yet', { retryAfterSeconds: Math.max(1, Number.isFinite(wait) ? wait : 1) });
  }

  private get maxStalenessMs(): number {
    return this.options.maxStalenessMs ?? DEFAULT_MAX_STALENESS_MS;
  }

  private isStale(): boolean {
    return this.loaded && this.now() - (this.lastSuccessAt ?? -Infinity) > this.maxStalenessMs;
  }

  private assertFresh(): void {
    if (!this.isStale()) return;
    const wait = Math.ceil((this.lastFetchAt + this.options.cooldownMs - this.now()) / 1000);
    throw new VerificationError('ERR_KEYS_UNAVAILABLE', 'key set too stale: the issuer has not answered for too long', {
      retryAfterSeconds: Math.max(1, Number.isFinite(wait) ? wait : 1),
    });
  }

  private rememberUnknown(kid: string): void {
    if (this.unknownKids.size >= NEGATIVE_CACHE_LIMIT) this.unknownKids.clear();
    this.unknownKids.set(kid, this.now() + this.options.refreshIntervalMs);
  }

  private async load(): Promise<void> {
    this.lastFetchAt = this.now();
    this.fetchCount += 1;
    try {
      const result = await this.fetcher.fetch(this.loaded ? this.etag : undefined);
      if (result.maxAgeMs !== undefined) this.issuerMaxAgeMs = result.maxAgeMs;
      if (result.modified) {
        if (result.keys.size === 0) throw new IssuerFetchError('ERR_JWKS_NO_USABLE_KEY', 'JWKS holds no usable key');
        for (const [kid, forgetAt] of this.revoked) {
          // Still published somewhere: still able to verify, so the clock starts again.
          if (result.keys.delete(kid)) this.revoked.set(kid, this.now() + REVOKED_KID_RETENTION_MS);
          else if (forgetAt <= this.now()) this.revoked.delete(kid);
        }
        this.keys = result.keys;
        this.algs = algorithmsOf(result.keys);
        this.etag = result.etag;
        this.unknownKids.clear();
        // Before the reschedule below, which must see a fresh set (not a stale one) to leave the cold pace.
        this.lastSuccessAt = this.now();
        if (!this.loaded) {
          this.loaded = true;
          // Leave the cold retry pace for the normal one.
          if (this.running) this.schedule();
        }
      }
      this.lastSuccessAt = this.now();
    } catch (error) {
      this.logger.warn(`JWKS fetch failed, keeping ${this.keys.size} cached keys: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }
}

function algorithmsOf(keys: Map<string, VerificationKey>): ReadonlySet<string> {
  return new Set([...keys.values()].map((k) => k.alg));
}
