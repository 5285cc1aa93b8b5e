import { isInProcessRedis, type RedisClient } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AuditLog } from '../audit/audit-log.service';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';
import { ISSUER_REDIS } from '../redis/issuer-redis';
import { FailureThrottle } from './failure-throttle';

/**
 * Counts failed logins per account and per client address (see FailureThrottle): brute force on one
 * account and password spraying from one address both end in 429, even for the right password.
 */
@Injectable()
export class LoginThrottle {
  private readonly throttle: FailureThrottle;

  constructor(
    @Inject(ISSUER_REDIS) redis: RedisClient,
    @Inject(ISSUER_CONFIG) config: IssuerConfig,
    private readonly audit: AuditLog,
  ) {
    const { maxFailuresPerAccount, maxFailuresPerIp, failureWindowSeconds } = config.loginProtection;
    this.throttle = new FailureThrottle({
      redis,
      inProcess: isInProcessRedis(config.redis),
      keyPrefix: `${config.redisPrefix}login-fail:`,
      scopes: [
        { name: 'account', limit: maxFailuresPerAccount },
        { name: 'ip', limit: maxFailuresPerIp },
      ],
      windowSeconds: failureWindowSeconds,
    });
  }

  /** Runs `login` unless the account or the address is over its limit (429 with Retry-After). */
  attempt<T>(username: string, ip: string, login: () => Promise<T>): Promise<T> {
    // Hashed, so a password typed into the username field never lands in Redis; case-folded so "Alice" shares alice's budget.
    const account = createHash('sha256').update(username.toLowerCase(), 'utf8').digest('base64url');
    return this.throttle.attempt(
      [account, ip],
      login,
      (error) => error instanceof IssuerError && error.code === 'invalid_credentials',
      async ({ scopes, retryAfterSeconds }) => {
        await this.audit.record('login_throttled', null, { scope: scopes.join(','), ip });
        return new IssuerError('rate_limited', 'too many failed login attempts; retry later', retryAfterSeconds);
      },
    );
  }
}
