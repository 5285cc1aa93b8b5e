import type { KeyObject } from 'node:crypto';

export interface VerificationKey {
  kid: string;
  alg: string;
  key: KeyObject;
}

/**
 * Where the verifier finds public keys by `kid`. Resource services use the issuer's JWKS over HTTP;
 * the issuer itself can plug in its in-memory key ring.
 */
export interface KeySource {
  /** The key for `kid`, or undefined when it is not (or no longer) published. */
  getKey(kid: string): Promise<VerificationKey | undefined>;
  /** Whether a usable key set is loaded (readiness). */
  isReady(): boolean;
  /** Algorithms of the keys currently published; the verifier's allow-list follows them. */
  algorithms(): ReadonlySet<string>;
}
