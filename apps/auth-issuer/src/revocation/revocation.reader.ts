import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AccessTokenClaims, redisKeys } from '@app/contract';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';
import { ISSUER_REDIS } from '../redis/redis.module';

/** The issuer's own view of what guards check: a denied jti or a subject cut-off at or after `iat`. */
@Injectable()
export class RevocationReader {
  private readonly keys: ReturnType<typeof redisKeys>;

  constructor(
    @Inject(ISSUER_REDIS) private readonly redis: Redis,
    @Inject(ISSUER_CONFIG) config: IssuerConfig,
  ) {
    this.keys = redisKeys(config.redisPrefix);
  }

  /** Throws temporarily_unavailable when Redis cannot answer: "not revoked" is never a guess. */
  async isRevoked(claims: Pick<AccessTokenClaims, 'jti' | 'sub' | 'iat' | 'sid'>): Promise<boolean> {
    let denied: string | null;
    let cutoff: string | null;
    let ended: string | null = null;
    try {
      const sessionKey = typeof claims.sid === 'string' ? [this.keys.endedSession(claims.sid)] : [];
      [denied, cutoff, ended = null] = await this.redis.mget(this.keys.deniedJti(claims.jti), this.keys.subjectCutoff(claims.sub), ...sessionKey);
    } catch {
      throw new IssuerError('temporarily_unavailable', 'revocation store unavailable', 5);
    }
    return denied !== null || ended !== null || (cutoff !== null && claims.iat <= Number(cutoff));
  }
}
