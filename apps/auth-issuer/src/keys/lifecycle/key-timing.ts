import type { IssuerConfig } from '../../config/issuer.config';

/** The lifecycle's durations in milliseconds, derived once from config. */
export interface KeyTiming {
  /** A key signs this long before the next one takes over. */
  rotationIntervalMs: number;
  /** A scheduled pending key is published at least this long before it signs. */
  leadMs: number;
  /**
   * The least publication after which every verifier knows a key: another replica's reload
   * plus one JWKS cache lifetime. An on-demand rotation to a younger key reports prepublished: false.
   */
  minPublicationMs: number;
  /**
   * How long a retired key stays published: its last token's lifetime, plus the time other replicas
   * may still sign with it before they reload, plus verifiers' clock tolerance.
   */
  removalDelayMs: number;
}

export function keyTiming(config: IssuerConfig): KeyTiming {
  const k = config.keys;
  return {
    rotationIntervalMs: k.rotationIntervalSeconds * 1000,
    leadMs: k.publishLeadSeconds * 1000,
    minPublicationMs: (k.jwksMaxAgeSeconds + k.reloadIntervalSeconds) * 1000,
    removalDelayMs: (config.accessTokenTtl + k.reloadIntervalSeconds + k.removalGraceSeconds) * 1000,
  };
}

export const plus = (at: Date, ms: number): Date => new Date(at.getTime() + ms);
export const later = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);
