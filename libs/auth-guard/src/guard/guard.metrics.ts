import { Injectable } from '@nestjs/common';

/** Result of one revocation-store lookup, for the latency histogram. */
export type RevocationLookupResult = 'ok' | 'revoked' | 'unavailable';
export type RevocationLookupListener = (seconds: number, result: RevocationLookupResult) => void;

/** Beyond this many distinct kids, further ones count as "other": the label set stays bounded whatever tokens arrive. */
const MAX_KIDS = 64;

/**
 * Counters of guard outcomes by reason code, per key (`kid`), and of JWKS fetches by result; cheap enough
 * for every request (plain Map increments). An exporter (exportGuardMetrics) reads them at scrape time.
 */
@Injectable()
export class GuardMetrics {
  private readonly counts = new Map<string, number>();
  private readonly kids = new Map<string, number>();
  private readonly jwks = new Map<string, number>();
  private readonly revocationChecks = { replica: 0, redis: 0 };
  private revocationListener?: RevocationLookupListener;

  increment(outcome: string): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }

  /** A token's key was looked up: its kid when the key set knows it, else "unknown" (callers pass only known kids). */
  countKid(kid: string): void {
    const label = this.kids.has(kid) || this.kids.size < MAX_KIDS ? kid : 'other';
    this.kids.set(label, (this.kids.get(label) ?? 0) + 1);
  }

  countJwksFetch(result: string): void {
    this.jwks.set(result, (this.jwks.get(result) ?? 0) + 1);
  }

  /** A revocation check answered by the local replica (no round trip) or by a Redis lookup. */
  countRevocationCheck(source: 'replica' | 'redis'): void {
    this.revocationChecks[source]++;
  }

  revocationCheckSnapshot(): Record<'replica' | 'redis', number> {
    return { ...this.revocationChecks };
  }

  revocationLookup(seconds: number, result: RevocationLookupResult): void {
    this.revocationListener?.(seconds, result);
  }

  /** One listener (the app's metrics exporter) receives revocation-lookup timings. */
  onRevocationLookup(listener: RevocationLookupListener): void {
    this.revocationListener = listener;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  kidSnapshot(): Record<string, number> {
    return Object.fromEntries(this.kids);
  }

  jwksSnapshot(): Record<string, number> {
    return Object.fromEntries(this.jwks);
  }
}
