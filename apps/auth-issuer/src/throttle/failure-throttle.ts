import type { RedisClient } from '@app/platform';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** One dimension failures are counted in (an account, a client, an address) and its limit per window. */
interface FailureScope {
  name: string;
  limit: number;
}

export interface FailureThrottleOptions {
  redis: RedisClient;
  /** `memory://` runs in one process: counting in memory is then the same thing. */
  inProcess: boolean;
  /** Redis key prefix of this throttle's counters, e.g. `<REDIS_PREFIX>login-fail:`. */
  keyPrefix: string;
  scopes: FailureScope[];
  windowSeconds: number;
  /**
   * `reserve` (default): a point is taken before the attempt and given back unless it failed, so parallel
   * guesses cannot slip past the limit (three Redis round trips per success). `check`: the counters are read
   * before the attempt (all scopes at once) and only a failure writes; parallel guesses all admitted
   * before the first of them is counted may overshoot the limit by at most their number.
   */
  admission?: 'reserve' | 'check';
}

/** The scopes over their limit and the whole seconds until the longest of them frees a point. */
export interface Refusal {
  scopes: string[];
  retryAfterSeconds: number;
}

/**
 * Counts failed attempts per key in each scope, in Redis (shared by every issuer replica); while Redis is
 * unreachable each replica falls back to the same limits in its own memory. Only failures count; see
 * `admission` for how an attempt is admitted.
 */
export class FailureThrottle {
  private readonly limiters: RateLimiterAbstract[];

  constructor(private readonly options: FailureThrottleOptions) {
    this.limiters = options.scopes.map(({ name, limit: points }) => {
      const memory = new RateLimiterMemory({ points, duration: options.windowSeconds, keyPrefix: `${options.keyPrefix}${name}` });
      if (options.inProcess) return memory;
      return new RateLimiterRedis({
        storeClient: options.redis,
        keyPrefix: `${options.keyPrefix}${name}`,
        points,
        duration: options.windowSeconds,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      });
    });
  }

  /**
   * Runs `work` unless a key is over its scope's limit; then `refuse` builds the error to throw.
   * `keys` line up with the scopes. `counts` tells a failure that counts from any other error.
   */
  async attempt<T>(keys: string[], work: () => Promise<T>, counts: (error: unknown) => boolean, refuse: (refusal: Refusal) => Promise<Error>): Promise<T> {
    if (this.options.admission === 'check') return this.checked(keys, work, counts, refuse);
    const taken = await Promise.allSettled(this.limiters.map((limiter, i) => limiter.consume(keys[i])));
    const over = taken.flatMap((t, i) => (t.status === 'rejected' ? [{ scope: this.options.scopes[i].name, wait: waitOf(t.reason) }] : []));
    if (over.length > 0) {
      await this.giveBack(
        keys,
        taken.map((t) => t.status === 'fulfilled'),
      );
      throw await refuse({ scopes: over.map((o) => o.scope), retryAfterSeconds: Math.max(...over.map((o) => o.wait)) });
    }
    try {
      const result = await work();
      await this.giveBack(
        keys,
        keys.map(() => true),
      );
      return result;
    } catch (error) {
      if (!counts(error))
        await this.giveBack(
          keys,
          keys.map(() => true),
        );
      throw error;
    }
  }

  private async checked<T>(
    keys: string[],
    work: () => Promise<T>,
    counts: (error: unknown) => boolean,
    refuse: (refusal: Refusal) => Promise<Error>,
  ): Promise<T> {
    // A store error (not even the in-memory fallback answered) refuses, as a failed consume does.
    const read = await this.read(keys);
    const over = read.flatMap((r, i) => {
      const { name, limit } = this.options.scopes[i];
      if (r === 'error') return [{ scope: name, wait: 1 }];
      return r && r.failures >= limit ? [{ scope: name, wait: Math.max(1, Math.ceil(r.msLeft / 1000)) }] : [];
    });
    if (over.length > 0) throw await refuse({ scopes: over.map((o) => o.scope), retryAfterSeconds: Math.max(...over.map((o) => o.wait)) });
    try {
      return await work();
    } catch (error) {
      if (counts(error)) await Promise.allSettled(this.limiters.map((limiter, i) => limiter.consume(keys[i])));
      throw error;
    }
  }

  /**
   * Each key's failures in its window and the ms until the window ends (null: none), read through the limiters (each
   * a GET and PTTL; sent together, so one wait for Redis), which fall back to memory when Redis fails.
   */
  private async read(keys: string[]): Promise<Array<{ failures: number; msLeft: number } | null | 'error'>> {
    const settled = await Promise.allSettled(this.limiters.map((limiter, i) => limiter.get(keys[i])));
    return settled.map((r) => (r.status === 'rejected' ? 'error' : r.value && { failures: r.value.consumedPoints, msLeft: r.value.msBeforeNext }));
  }

  private async giveBack(keys: string[], which: boolean[]): Promise<void> {
    await Promise.allSettled(this.limiters.flatMap((limiter, i) => (which[i] ? [limiter.reward(keys[i], 1)] : [])));
  }
}

/** Whole seconds until the window frees a point; a store error (not a RateLimiterRes) waits one second. */
function waitOf(reason: unknown): number {
  return reason instanceof RateLimiterRes ? Math.max(1, Math.ceil(reason.msBeforeNext / 1000)) : 1;
}
