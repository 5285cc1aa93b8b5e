import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { createRedisClient } from '@app/platform';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';

export const ISSUER_REDIS = Symbol('ISSUER_REDIS');

@Global()
@Module({
  providers: [
    {
      provide: ISSUER_REDIS,
      inject: [ISSUER_CONFIG],
      useFactory: (config: IssuerConfig) => createRedisClient(config.redisUrl),
    },
  ],
  exports: [ISSUER_REDIS],
})
export class IssuerRedisModule implements OnApplicationShutdown {
  constructor(@Inject(ISSUER_REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
