import type { AccessTokenClaims, IssuerEvent } from '@app/contract';

/** Why the replica refuses a token; the same words as the per-request check, for the debug log. */
export type ReplicaVerdict = 'jti denied' | 'session ended' | 'issued before cut-off' | null;

/** One authoritative entry as read from Redis: what it revokes and when Redis drops it (ms since the epoch). */
export type ReplicaEntry = { kind: 'jti' | 'sid'; id: string; expiresAt: number } | { kind: 'cutoff'; id: string; at: number; expiresAt: number };

/** Entries learnt from an event carry no TTL; they are kept until their TTL has been read from Redis. */
export const UNTIL_REFINED = Number.POSITIVE_INFINITY;

/**
 * The denylist held in memory: denied jtis, ended sessions and subject cut-offs, each until the moment Redis
 * drops it. Pure state (no I/O): RevocationSync decides when it is current and feeds it.
 * Expired entries read as absent at once and are swept by `sweep()`, so memory follows the live denylist.
 */
export class RevocationReplica {
  private jtis = new Map<string, number>();
  private sids = new Map<string, number>();
  private cutoffs = new Map<string, { at: number; expiresAt: number }>();

  /** The verdict for a verified token; a cut-off applies to tokens issued at or before it. */
  check(claims: Pick<AccessTokenClaims, 'jti' | 'sub' | 'iat' | 'sid'>, now: number): ReplicaVerdict {
    if (live(this.jtis.get(claims.jti), now)) return 'jti denied';
    if (typeof claims.sid === 'string' && live(this.sids.get(claims.sid), now)) return 'session ended';
    const cutoff = this.cutoffs.get(claims.sub);
    if (cutoff && live(cutoff.expiresAt, now) && claims.iat <= cutoff.at) return 'issued before cut-off';
    return null;
  }

  /** Applies an issuer event at once; returns the Redis entry whose TTL is still to be read, if any. */
  apply(event: IssuerEvent): Pick<ReplicaEntry, 'kind' | 'id'> | undefined {
    switch (event.type) {
      case 'token-denied':
        this.add({ kind: 'jti', id: event.jti, expiresAt: UNTIL_REFINED });
        return { kind: 'jti', id: event.jti };
      case 'session-ended':
        this.add({ kind: 'sid', id: event.sid, expiresAt: UNTIL_REFINED });
        return { kind: 'sid', id: event.sid };
      case 'subject-cutoff':
        this.add({ kind: 'cutoff', id: event.sub, at: event.at, expiresAt: UNTIL_REFINED });
        return { kind: 'cutoff', id: event.sub };
      default:
        return undefined;
    }
  }

  /** Adds or widens an entry: a later cut-off and a later expiry win, never an earlier one. */
  add(entry: ReplicaEntry): void {
    if (entry.kind === 'cutoff') {
      const known = this.cutoffs.get(entry.id);
      this.cutoffs.set(entry.id, { at: Math.max(entry.at, known?.at ?? -Infinity), expiresAt: widest(known?.expiresAt, entry.expiresAt) });
      return;
    }
    const map = entry.kind === 'jti' ? this.jtis : this.sids;
    map.set(entry.id, widest(map.get(entry.id), entry.expiresAt));
  }

  /** Sets the expiry read from Redis for an entry learnt from an event (replacing UNTIL_REFINED only). */
  refine(kind: ReplicaEntry['kind'], id: string, expiresAt: number): void {
    if (kind === 'cutoff') {
      const known = this.cutoffs.get(id);
      if (known && known.expiresAt === UNTIL_REFINED) known.expiresAt = expiresAt;
      return;
    }
    const map = kind === 'jti' ? this.jtis : this.sids;
    if (map.get(id) === UNTIL_REFINED) map.set(id, expiresAt);
  }

  /** Takes over the state of `fresh` (a full read from Redis plus the events that arrived during it). */
  replaceWith(fresh: RevocationReplica): void {
    this.jtis = fresh.jtis;
    this.sids = fresh.sids;
    this.cutoffs = fresh.cutoffs;
  }

  /** Drops expired entries; returns how many. */
  sweep(now: number): number {
    let dropped = 0;
    for (const map of [this.jtis, this.sids]) {
      for (const [id, expiresAt] of map) if (!live(expiresAt, now) && map.delete(id)) dropped++;
    }
    for (const [id, { expiresAt }] of this.cutoffs) if (!live(expiresAt, now) && this.cutoffs.delete(id)) dropped++;
    return dropped;
  }

  get size(): number {
    return this.jtis.size + this.sids.size + this.cutoffs.size;
  }

  clear(): void {
    this.jtis.clear();
    this.sids.clear();
    this.cutoffs.clear();
  }
}

const live = (expiresAt: number | undefined, now: number): boolean => expiresAt !== undefined && expiresAt > now;
const widest = (a: number | undefined, b: number): number => (a === undefined ? b : Math.max(a, b));
