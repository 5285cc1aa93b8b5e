import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { AccessTokenClaims } from '@app/contract';
import { RevocationChecker, VerificationError } from '@app/auth-guard';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';
import { ISSUER_REDIS } from '../redis/redis.module';

/** The issuer's own view of what guards check (the guard's RevocationChecker): denied jti, ended session, cut-off. */
@Injectable()
export class RevocationReader {
  private readonly checker: RevocationChecker;

  constructor(@Inject(ISSUER_REDIS) redis: Redis, @Inject(ISSUER_CONFIG) config: IssuerConfig) {
    this.checker = new RevocationChecker(redis, config.redisPrefix);
  }

  /** Throws temporarily_unavailable when Redis cannot answer: "not revoked" is never a guess. */
  async isRevoked(claims: Pick<AccessTokenClaims, 'jti' | 'sub' | 'iat' | 'sid'>): Promise<boolean> {
    try {
      await this.checker.assertNotRevoked(claims);
      return false;
    } catch (error) {
      if (error instanceof VerificationError && error.code === 'ERR_TOKEN_REVOKED') return true;
      throw new IssuerError('temporarily_unavailable', 'revocation store unavailable', 5);
    }
  }
}
