import type { AccessTokenClaims } from '@app/contract';
import type { VerificationKey } from '../keys/key-source';
import type { VerificationError } from './verification.error';

interface Entry {
  /** The key that verified (or refused) the token: a hit counts only while the key source still returns this very key. */
  key: VerificationKey;
  /** Accepted: the verified claims (frozen, shared); refused: the error to throw again. */
  claims?: Readonly<AccessTokenClaims>;
  refusal?: VerificationError;
  /** Ms since the epoch after which the entry is worthless (the token's exp plus tolerance). */
  expiresAt: number;
}

/**
 * Verified tokens by their exact string, so a repeated token skips the header parse, the signature and the claim
 * checks, but never the key lookup (a revoked or rotated-out key misses) nor the revocation check (the caller's).
 * Bounded: at `capacity` the oldest entry goes (insertion order, no reordering on hits: a hit stays write-free).
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity: number) {}

  get(token: string, now: number): Entry | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  set(token: string, entry: Entry): void {
    if (this.capacity <= 0) return;
    if (this.entries.size >= this.capacity && !this.entries.has(token)) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(token, entry);
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  /** Forgets every token a revoked key verified, at once (the key lookup would miss anyway; this frees the memory). */
  dropKid(kid: string): void {
    for (const [token, entry] of this.entries) if (entry.key.kid === kid) this.entries.delete(token);
  }

  get size(): number {
    return this.entries.size;
  }
}
