import type { Provider } from '@nestjs/common';
import { createRedisClient, type RedisClient } from '@app/platform';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';

/** The issuer's one command connection to Redis (denylist, throttles, key events); provided by the core. */
export const ISSUER_REDIS = Symbol('ISSUER_REDIS');

export const ISSUER_REDIS_PROVIDER: Provider = {
  provide: ISSUER_REDIS,
  inject: [ISSUER_CONFIG],
  useFactory: (config: IssuerConfig) => createRedisClient(config.redis),
};

/** Ends the connection politely, or at once when Redis does not answer. */
export async function closeIssuerRedis(redis: RedisClient): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}
