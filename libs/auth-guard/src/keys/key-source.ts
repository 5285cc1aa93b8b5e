import type { KeyObject } from 'node:crypto';

export interface VerificationKey {
  kid: string;
  /** The algorithm the key is published for; a token naming another is refused. */
  alg: string;
  key: KeyObject;
}

/**
 * Where the verifier finds public keys by `kid`. Resource services use the issuer's JWKS over HTTP
 * (RemoteKeySet); the issuer itself plugs in its in-memory key ring.
 */
export interface KeySource {
  /** The key for `kid`, or undefined when it is not (or no longer) published. */
  getKey(kid: string): Promise<VerificationKey | undefined>;
  /**
   * The key for `kid` when it is held in memory and usable right now (loaded, not stale), else undefined. Never
   * waits, fetches or refuses: a caller that gets undefined asks getKey. Lets a repeated token skip every await.
   */
  heldKey?(kid: string): VerificationKey | undefined;
  /** Whether a usable key set is loaded (readiness). */
  isReady(): boolean;
  /** Algorithms of the keys currently published. */
  algorithms(): ReadonlySet<string>;
  /** Push hook: fetch the key set now, even during the unknown-kid cooldown. */
  refreshNow?(): Promise<void>;
  /** Push hook: stop trusting `kid` at once and for good, then refetch. */
  revokeKey?(kid: string): void;
  /** Push hook: whether change notices currently arrive; without them the set is polled more often. */
  setPushConnected?(connected: boolean): void;
}
