import type { RedisClient } from '@app/platform';
import { AccessTokenClaims, redisKeys } from '@app/contract';
import { VerificationError } from '../verify/verification.error';
import type { ReplicaVerdict } from './revocation.replica';

/** An in-memory denylist that answers only while it can prove it is current (RevocationSync). */
export interface LocalRevocationView {
  /** null: not revoked; a reason: revoked; undefined: not current, ask Redis. */
  verdict(claims: Pick<AccessTokenClaims, 'jti' | 'sub' | 'iat' | 'sid'>): ReplicaVerdict | undefined;
}

const NOT_SEEDED = 'revocation store not seeded';

/** Redis answered but holds no seed marker (lost its data, re-seed pending), as opposed to Redis not answering. */
export const isRevocationStoreUnseeded = (error: unknown): boolean =>
  error instanceof VerificationError && error.code === 'ERR_REVOCATION_UNAVAILABLE' && error.message.endsWith(NOT_SEEDED);

/**
 * Checks the issuer's denylist (`jti`), ended sessions (`sid`) and the subject's log-out-everywhere cut-off on every request:
 * from the local replica while it is current (no round trip), else in one Redis round trip. Redis errors surface as
 * ERR_REVOCATION_UNAVAILABLE so the guard can fail closed.
 */
export class RevocationChecker {
  private readonly keys: ReturnType<typeof redisKeys>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly requireSeed = false,
    private readonly local?: LocalRevocationView,
  ) {
    this.keys = redisKeys(prefix);
  }

  async assertNotRevoked(claims: Pick<AccessTokenClaims, 'jti' | 'sub' | 'iat' | 'sid'>): Promise<void> {
    const verdict = this.replicaVerdict(claims);
    if (verdict === undefined) return this.lookUp(claims);
    this.answeredByReplica();
    if (verdict !== null) throw new VerificationError('ERR_TOKEN_REVOKED', verdict);
  }

  /** A check answered in memory (a hook for metrics). */
  protected answeredByReplica(): void {}

  /** The local replica's answer without waiting: null not revoked, a reason if revoked, undefined when it cannot tell. */
  replicaVerdict(claims: Pick<AccessTokenClaims, 'jti' | 'sub' | 'iat' | 'sid'>): ReplicaVerdict | undefined {
    return this.local?.verdict(claims);
  }

  /** One Redis round trip: the authoritative store, when the replica is missing or not provably current. */
  protected async lookUp(claims: Pick<AccessTokenClaims, 'jti' | 'sub' | 'iat' | 'sid'>): Promise<void> {
    const wanted: Record<string, string> = { denied: this.keys.deniedJti(claims.jti), cutoff: this.keys.subjectCutoff(claims.sub) };
    if (typeof claims.sid === 'string') wanted.ended = this.keys.endedSession(claims.sid);
    if (this.requireSeed) wanted.seeded = this.keys.revocationSeeded;
    let found: Record<string, string | null>;
    try {
      const values = await this.redis.mget(...Object.values(wanted));
      found = Object.fromEntries(Object.keys(wanted).map((name, i) => [name, values[i] ?? null]));
    } catch (error) {
      throw new VerificationError('ERR_REVOCATION_UNAVAILABLE', error instanceof Error ? error.message : String(error));
    }
    const { denied, cutoff, ended = null, seeded = 'not required' } = found;
    // Redis without the marker has lost its data and not been re-seeded yet: its silence proves nothing.
    if (seeded === null) throw new VerificationError('ERR_REVOCATION_UNAVAILABLE', NOT_SEEDED);
    if (denied !== null) throw new VerificationError('ERR_TOKEN_REVOKED', 'jti denied');
    if (ended !== null) throw new VerificationError('ERR_TOKEN_REVOKED', 'session ended');
    if (cutoff === null) return;
    const at = Number(cutoff);
    // An unreadable cut-off is treated as "everything before now": refusing is the safe reading.
    if (!Number.isFinite(at) || claims.iat <= at) throw new VerificationError('ERR_TOKEN_REVOKED', 'issued before cut-off');
  }
}
