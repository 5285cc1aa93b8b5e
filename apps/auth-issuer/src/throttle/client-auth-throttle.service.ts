import { isInProcessRedis, type RedisClient } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AuditLog } from '../audit/audit-log.service';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';
import { ISSUER_REDIS } from '../redis/issuer-redis';
import { FailureThrottle } from './failure-throttle';

/**
 * Counts failed client authentications (wrong secret, unknown or disabled client) per client_id and per
 * client address, as LoginThrottle does for passwords: secret guessing and client_id spraying end in 429
 * with Retry-After, every guess beyond the limit refused before the secret check. Admission reads the counters
 * and only failures write (FailureThrottle `check`): guesses in flight together may pass the limit by their number.
 */
@Injectable()
export class ClientAuthThrottle {
  private readonly throttle: FailureThrottle;

  constructor(
    @Inject(ISSUER_REDIS) redis: RedisClient,
    @Inject(ISSUER_CONFIG) config: IssuerConfig,
    private readonly audit: AuditLog,
  ) {
    const { maxFailuresPerClient, maxFailuresPerIp, failureWindowSeconds } = config.clientAuthProtection;
    this.throttle = new FailureThrottle({
      redis,
      inProcess: isInProcessRedis(config.redis),
      keyPrefix: `${config.redisPrefix}client-fail:`,
      scopes: [
        { name: 'client', limit: maxFailuresPerClient },
        { name: 'ip', limit: maxFailuresPerIp },
      ],
      windowSeconds: failureWindowSeconds,
      // Every grant of a service authenticates: a success costs one read, not a point taken and given back.
      admission: 'check',
    });
  }

  /** Runs `authenticate` unless the client_id or the address is over its limit (429 `invalid_client` with Retry-After). */
  attempt<T>(clientId: string, ip: string, authenticate: () => Promise<T>): Promise<T> {
    // Hashed: whatever an attacker types as client_id lands in Redis only as a digest.
    const client = createHash('sha256').update(clientId, 'utf8').digest('base64url');
    return this.throttle.attempt(
      [client, ip],
      authenticate,
      (error) => error instanceof IssuerError && error.code === 'invalid_client',
      async ({ scopes, retryAfterSeconds }) => {
        await this.audit.record('client_auth_throttled', null, { scope: scopes.join(','), ip });
        return new IssuerError('client_throttled', 'too many failed client authentications; retry later', retryAfterSeconds);
      },
    );
  }
}
