import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AuditLog } from '../audit/audit-log.service';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';
import { ISSUER_REDIS } from '../redis/redis.module';

type Limiter = RateLimiterAbstract;

/**
 * Counts failed logins per account and per client address in Redis (shared by every issuer replica).
 * A point is taken before the password is checked, so parallel guesses cannot slip past the limit,
 * and given back when the attempt did not fail on credentials: only failures count.
 * While Redis is unreachable each replica falls back to the same limits in its own memory.
 */
@Injectable()
export class LoginThrottle {
  private readonly byAccount: Limiter;
  private readonly byIp: Limiter;

  constructor(
    @Inject(ISSUER_REDIS) redis: Redis,
    @Inject(ISSUER_CONFIG) config: IssuerConfig,
    private readonly audit: AuditLog,
  ) {
    const { maxFailuresPerAccount, maxFailuresPerIp, failureWindowSeconds: duration } = config.loginProtection;
    const inProcess = config.redisUrl.startsWith('memory:');
    const limiter = (name: string, points: number): Limiter => {
      const memory = new RateLimiterMemory({ points, duration, keyPrefix: name });
      if (inProcess) return memory;
      return new RateLimiterRedis({ storeClient: redis, keyPrefix: `${config.redisPrefix}login-fail:${name}`, points, duration, rejectIfRedisNotReady: true, insuranceLimiter: memory });
    };
    this.byAccount = limiter('account', maxFailuresPerAccount);
    this.byIp = limiter('ip', maxFailuresPerIp);
  }

  /** Runs `login` unless the account or the address is over its limit (429 with Retry-After). */
  async attempt<T>(username: string, ip: string, login: () => Promise<T>): Promise<T> {
    // Hashed, so a password typed into the username field never lands in Redis; case-folded so "Alice" shares alice's budget.
    const account = createHash('sha256').update(username.toLowerCase(), 'utf8').digest('base64url');
    const taken = await Promise.allSettled([this.byAccount.consume(account), this.byIp.consume(ip)]);
    const refused = taken.map((t, i) => (t.status === 'rejected' ? { scope: i === 0 ? 'account' : 'ip', wait: waitOf(t.reason) } : undefined)).filter((r) => r !== undefined);
    if (refused.length > 0) {
      await this.giveBack(account, ip, taken.map((t) => t.status === 'fulfilled'));
      const wait = Math.max(...refused.map((r) => r.wait));
      await this.audit.record('login_throttled', null, { scope: refused.map((r) => r.scope).join(','), ip });
      throw new IssuerError('rate_limited', 'too many failed login attempts; retry later', wait);
    }
    try {
      const result = await login();
      await this.giveBack(account, ip, [true, true]);
      return result;
    } catch (error) {
      if (!(error instanceof IssuerError && error.code === 'invalid_credentials')) await this.giveBack(account, ip, [true, true]);
      throw error;
    }
  }

  private async giveBack(account: string, ip: string, [fromAccount, fromIp]: boolean[]): Promise<void> {
    await Promise.allSettled([fromAccount && this.byAccount.reward(account, 1), fromIp && this.byIp.reward(ip, 1)]);
  }
}

/** Whole seconds until the window frees a point; a store error (not a RateLimiterRes) waits one window at most. */
function waitOf(reason: unknown): number {
  return reason instanceof RateLimiterRes ? Math.max(1, Math.ceil(reason.msBeforeNext / 1000)) : 1;
}
