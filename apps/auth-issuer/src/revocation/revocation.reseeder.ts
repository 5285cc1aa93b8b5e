import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { redisKeys } from '@app/contract';
import { FaultError, type RedisClient } from '@app/platform';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { ISSUER_REDIS } from '../redis/issuer-redis';
import { ENDED_SESSION_MARK, RevocationJournal } from './revocation.journal';

/** How often the issuer checks that Redis still holds the seed marker. */
const RESEED_CHECK_INTERVAL_MS = 1000;
const PRUNE_EVERY_CHECKS = 300;
const BATCH = 1000;
/** A re-seed that has not finished in this long is abandoned and started over by a later check. */
const SEEDING_TTL_SECONDS = 300;

/**
 * Sets the marker only in the Redis that holds this run's token, i.e. the instance the entries went to:
 * a command resent after a reconnect (ioredis does) to a Redis that restarted empty meanwhile finds no
 * token and marks nothing, and the next check seeds the new instance in full.
 */
const MARK_SEEDED = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2])
  redis.call('DEL', KEYS[1])
  return 1
end
return 0`;

/**
 * Puts PostgreSQL's revocations back into Redis whenever the seed marker is missing: at start,
 * when the Redis connection comes back, and on a 1 s check. Guards refuse (503) while the marker
 * is absent, so a Redis that restarted empty never lets a revoked token through.
 */
@Injectable()
export class RevocationReseeder implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RevocationReseeder');
  private readonly keys: ReturnType<typeof redisKeys>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private checks = 0;
  private readonly onReady = () => void this.ensureSeeded().catch(() => undefined);

  constructor(
    @Inject(ISSUER_REDIS) private readonly redis: RedisClient,
    @Inject(ISSUER_CONFIG) config: IssuerConfig,
    private readonly journal: RevocationJournal,
  ) {
    this.keys = redisKeys(config.redisPrefix);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureSeeded().catch((e) => this.logger.warn(`revocation seed deferred: ${e instanceof Error ? e.message : e}`));
    this.redis.on('ready', this.onReady);
    this.timer = setInterval(() => void this.tick(), RESEED_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.redis.off('ready', this.onReady);
  }

  /** Single-flight: concurrent triggers share one run. */
  ensureSeeded(): Promise<void> {
    this.running ??= this.seedIfMissing().finally(() => (this.running = undefined));
    return this.running;
  }

  private async tick(): Promise<void> {
    await this.ensureSeeded().catch(() => undefined);
    if (++this.checks % PRUNE_EVERY_CHECKS === 0) await this.journal.prune().catch(() => undefined);
  }

  private async seedIfMissing(): Promise<void> {
    if ((await this.redis.get(this.keys.revocationSeeded)) !== null) return;
    const run = randomUUID();
    await this.redis.set(this.keys.revocationSeeding, run, 'EX', SEEDING_TTL_SECONDS);
    const { jtis, cutoffs } = await this.journal.live();
    for (let i = 0; i < jtis.length; i += BATCH) {
      const pipeline = this.redis.pipeline();
      for (const [id, ttl] of jtis.slice(i, i + BATCH)) {
        const key = id.startsWith(ENDED_SESSION_MARK) ? this.keys.endedSession(id.slice(ENDED_SESSION_MARK.length)) : this.keys.deniedJti(id);
        pipeline.setex(key, ttl, '1');
      }
      await pipeline.exec();
    }
    if (cutoffs.length > 0) {
      const pipeline = this.redis.pipeline();
      for (const [sub, at, ttl] of cutoffs) pipeline.setex(this.keys.subjectCutoff(sub), ttl, String(at));
      await pipeline.exec();
    }
    // Only now, and only in the instance that took the entries: a guard that sees the marker can trust that every revocation is present.
    const marked = await this.redis.eval(MARK_SEEDED, 2, this.keys.revocationSeeding, this.keys.revocationSeeded, run, new Date().toISOString());
    if (marked !== 1)
      throw new FaultError('ERR_RESEED_INTERRUPTED', 'Redis lost its data (or another replica took over) while re-seeding; the next check starts over');
    if (jtis.length + cutoffs.length > 0) this.logger.warn(`re-seeded Redis with ${jtis.length} revoked tokens and ${cutoffs.length} subject cut-offs`);
  }
}
