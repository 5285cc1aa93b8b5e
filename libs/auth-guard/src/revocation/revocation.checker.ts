import type Redis from 'ioredis';
import { AccessTokenClaims, redisKeys } from '@app/contract';
import { VerificationError } from '../verify/verification.error';

/**
 * Checks the issuer's denylist (`jti`) and the subject's log-out-everywhere cut-off in one round trip,
 * on every request. Redis errors surface as ERR_REVOCATION_UNAVAILABLE so the guard can fail closed.
 */
export class RevocationChecker {
  private readonly keys: ReturnType<typeof redisKeys>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly requireSeed = false,
  ) {
    this.keys = redisKeys(prefix);
  }

  async assertNotRevoked(claims: AccessTokenClaims): Promise<void> {
    let denied: string | null;
    let cutoff: string | null;
    let seeded: string | null = 'not required';
    try {
      const keys = [this.keys.deniedJti(claims.jti), this.keys.subjectCutoff(claims.sub)];
      if (this.requireSeed) keys.push(this.keys.revocationSeeded);
      [denied, cutoff, seeded = seeded] = await this.redis.mget(...keys);
    } catch (error) {
      throw new VerificationError('ERR_REVOCATION_UNAVAILABLE', error instanceof Error ? error.message : String(error));
    }
    // Redis without the marker has lost its data and not been re-seeded yet: its silence proves nothing.
    if (seeded === null) throw new VerificationError('ERR_REVOCATION_UNAVAILABLE', 'revocation store not seeded');
    if (denied !== null) throw new VerificationError('ERR_TOKEN_REVOKED', 'jti denied');
    if (cutoff === null) return;
    const at = Number(cutoff);
    // An unreadable cut-off is treated as "everything before now": refusing is the safe reading.
    if (!Number.isFinite(at) || claims.iat <= at) throw new VerificationError('ERR_TOKEN_REVOKED', 'issued before cut-off');
  }
}
