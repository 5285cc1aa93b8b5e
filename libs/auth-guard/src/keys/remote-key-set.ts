import { Logger } from '@nestjs/common';
import { VerificationError } from '../verify/verification.error';
import { discoverJwksUri } from './discovery.client';
import { parseJwks } from './jwks.parser';
import type { KeySource, VerificationKey } from './key-source';

export interface RemoteKeySetOptions {
  issuer: string;
  jwksUrl?: string;
  fetchTimeoutMs: number;
  /** Minimum gap between refetches triggered by unknown kids. */
  cooldownMs: number;
  /** Background refresh period; bounds how long a removed key stays trusted without push. */
  refreshIntervalMs: number;
  now?: () => number;
}

const MAX_JWKS_BYTES = 256 * 1024;
const NEGATIVE_CACHE_LIMIT = 10_000;

/**
 * The issuer's JWKS, cached in memory. Unknown kids share one in-flight fetch (single-flight),
 * then a cooldown and a negative cache bound the load a flood of random kids can put on the issuer.
 * A failed or garbage fetch never replaces the last good set (stale-if-error).
 */
export class RemoteKeySet implements KeySource {
  private readonly logger = new Logger('RemoteKeySet');
  private keys = new Map<string, VerificationKey>();
  private algs: ReadonlySet<string> = new Set();
  private loaded = false;
  private jwksUrl?: string;
  private etag?: string;
  private inflight?: Promise<void>;
  private lastFetchAt = -Infinity;
  private readonly unknownKids = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  /** Number of JWKS requests sent; exposed for metrics and tests. */
  fetchCount = 0;

  constructor(private readonly options: RemoteKeySetOptions) {
    this.jwksUrl = options.jwksUrl;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  start(): void {
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), this.options.refreshIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  isReady(): boolean {
    return this.loaded;
  }

  algorithms(): ReadonlySet<string> {
    return this.algs;
  }

  async getKey(kid: string): Promise<VerificationKey | undefined> {
    const known = this.keys.get(kid);
    if (known) return known;
    const now = this.now();
    if ((this.unknownKids.get(kid) ?? -Infinity) > now) return undefined;
    if (!this.inflight && now - this.lastFetchAt < this.options.cooldownMs) {
      this.rememberUnknown(kid, this.lastFetchAt + this.options.cooldownMs);
      this.throwIfCold();
      return undefined;
    }
    await this.refresh().catch(() => undefined);
    this.throwIfCold();
    const key = this.keys.get(kid);
    if (!key) this.rememberUnknown(kid, this.lastFetchAt + this.options.cooldownMs);
    return key;
  }

  /** Fetches the JWKS now, joining a fetch already in flight. */
  refresh(): Promise<void> {
    this.inflight ??= this.fetchKeys().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** Stops trusting `kid` at once (emergency revocation pushed by the issuer). */
  dropKey(kid: string): void {
    if (!this.keys.delete(kid)) return;
    this.algs = new Set([...this.keys.values()].map((k) => k.alg));
  }

  private throwIfCold(): void {
    if (!this.loaded) throw new VerificationError('ERR_KEYS_UNAVAILABLE', 'no key set loaded yet');
  }

  private rememberUnknown(kid: string, until: number): void {
    if (this.unknownKids.size >= NEGATIVE_CACHE_LIMIT) this.unknownKids.clear();
    this.unknownKids.set(kid.slice(0, 256), until);
  }

  private async fetchKeys(): Promise<void> {
    this.lastFetchAt = this.now();
    try {
      this.jwksUrl ??= await discoverJwksUri(this.options.issuer, this.options.fetchTimeoutMs);
      this.fetchCount += 1;
      const headers: Record<string, string> = { accept: 'application/jwk-set+json, application/json' };
      if (this.etag && this.loaded) headers['if-none-match'] = this.etag;
      const response = await fetch(this.jwksUrl, { headers, signal: AbortSignal.timeout(this.options.fetchTimeoutMs), redirect: 'error' });
      if (response.status === 304) return;
      if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
      const text = await response.text();
      if (text.length > MAX_JWKS_BYTES) throw new Error('JWKS too large');
      const keys = parseJwks(JSON.parse(text));
      if (keys.size === 0) throw new Error('JWKS holds no usable key');
      this.keys = keys;
      this.algs = new Set([...keys.values()].map((k) => k.alg));
      this.etag = response.headers.get('etag') ?? undefined;
      this.loaded = true;
      this.unknownKids.clear();
    } catch (error) {
      this.logger.warn(`JWKS fetch failed, keeping ${this.keys.size} cached keys: ${error instanceof Error ? error.message : error}`);
      throw error;
    }
  }
}
