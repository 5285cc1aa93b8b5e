import { traced } from '@app/platform';
import type { AccessTokenClaims } from '@app/contract';
import type { GuardMetrics, RevocationLookupResult } from '../guard/guard.metrics';
import { RevocationChecker } from '../revocation/revocation.checker';
import { VerificationError } from '../verify/verification.error';

/**
 * Revocation checks counted by where they were answered (the local replica or Redis); the Redis lookups timed for
 * the latency histogram and traced as `revocation.lookup` (no token ids in the span).
 */
export class ObservedRevocationChecker extends RevocationChecker {
  constructor(
    redis: ConstructorParameters<typeof RevocationChecker>[0],
    prefix: string,
    requireSeed: boolean,
    private readonly metrics: GuardMetrics,
    local?: ConstructorParameters<typeof RevocationChecker>[3],
  ) {
    super(redis, prefix, requireSeed, local);
  }

  protected override answeredByReplica(): void {
    this.metrics.countRevocationCheck('replica');
  }

  protected override lookUp(claims: Pick<AccessTokenClaims, 'jti' | 'sub' | 'iat' | 'sid'>): Promise<void> {
    this.metrics.countRevocationCheck('redis');
    return traced('revocation.lookup', {}, async (span) => {
      const started = performance.now();
      let result: RevocationLookupResult = 'ok';
      try {
        await super.lookUp(claims);
      } catch (error) {
        result = error instanceof VerificationError && error.code === 'ERR_TOKEN_REVOKED' ? 'revoked' : 'unavailable';
        throw error;
      } finally {
        this.metrics.revocationLookup((performance.now() - started) / 1000, result);
        span?.setAttribute('revocation.result', result);
      }
    });
  }
}
