import type { RedisClient } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { AccessTokenClaims } from '@app/contract';
import { isRevocationStoreUnseeded, RevocationChecker, VerificationError } from '@app/auth-guard';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';
import { ISSUER_REDIS } from '../redis/issuer-redis';
import { RevocationJournal } from './revocation.journal';

/**
 * The issuer's own view of what guards check (the guard's RevocationChecker): denied jti, ended session, cut-off.
 * Like the guards it requires the seed marker: a Redis that restarted empty says nothing about revocations. Where the
 * guards can only refuse (503), the issuer owns the durable journal and answers from it instead, so introspection
 * (RFC 7662) stays a definite answer during a re-seed rather than an error clients may handle badly.
 */
@Injectable()
export class RevocationReader {
  private readonly checker: RevocationChecker;

  constructor(
    @Inject(ISSUER_REDIS) redis: RedisClient,
    @Inject(ISSUER_CONFIG) config: IssuerConfig,
    private readonly journal: RevocationJournal,
  ) {
    this.checker = new RevocationChecker(redis, config.redisPrefix, true);
  }

  /** Throws temporarily_unavailable when neither Redis nor the journal can answer: "not revoked" is never a guess. */
  async isRevoked(claims: Pick<AccessTokenClaims, 'jti' | 'sub' | 'iat' | 'sid'>): Promise<boolean> {
    try {
      await this.checker.assertNotRevoked(claims);
      return false;
    } catch (error) {
      if (error instanceof VerificationError && error.code === 'ERR_TOKEN_REVOKED') return true;
      if (!isRevocationStoreUnseeded(error)) throw unavailable();
    }
    try {
      return await this.journal.isRevoked(claims);
    } catch {
      throw unavailable();
    }
  }
}

const unavailable = () => new IssuerError('temporarily_unavailable', 'revocation store unavailable', 5);
