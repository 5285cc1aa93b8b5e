import type { AccessTokenClaims } from '@app/contract';
import type { VerificationKey } from '../keys/key-source';
import type { VerificationError } from './verification.error';

interface Entry {
  /** The exact token string the entry is for. */
  token: string;
  /** The key that verified (or refused) the token: a hit counts only while the key source still returns this very key. */
  key: VerificationKey;
  /** Accepted: the verified claims (frozen, shared); refused: the error to throw again. */
  claims?: Readonly<AccessTokenClaims>;
  refusal?: VerificationError;
  /** Ms since the epoch after which the entry is worthless (the token's exp plus tolerance). */
  expiresAt: number;
}

/**
 * Map keys are the token's last characters (signature bytes): hashing a whole 700-character token on every lookup
 * was the largest cost of a cache hit. A hit still requires the exact token string.
 */
const KEY_LENGTH = 32;
const keyOf = (token: string): string => token.slice(-KEY_LENGTH);

/**
 * Verified tokens by their exact string, so a repeated token skips the header parse, the signature and the claim
 * checks, but never the key lookup (a revoked or rotated-out key misses) nor the revocation check (the caller's).
 * Bounded: at `capacity` the oldest entry goes (insertion order, no reordering on hits: a hit stays write-free).
 * Two tokens ending alike share a slot; a refusal never displaces an acceptance there, so copying a valid token's
 * signature tail onto garbage cannot evict it.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity: number) {}

  get(token: string, now: number): Entry | undefined {
    const key = keyOf(token);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.token !== token) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(token: string, entry: Omit<Entry, 'token'>): void {
    if (this.capacity <= 0) return;
    const key = keyOf(token);
    const held = this.entries.get(key);
    if (held && held.token !== token && held.claims && !entry.claims) return;
    if (this.entries.size >= this.capacity && !held) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, { ...entry, token });
  }

  delete(token: string): void {
    const key = keyOf(token);
    if (this.entries.get(key)?.token === token) this.entries.delete(key);
  }

  /** Forgets every token a revoked key verified, at once (the key lookup would miss anyway; this frees the memory). */
  dropKid(kid: string): void {
    for (const [key, entry] of this.entries) if (entry.key.kid === kid) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
