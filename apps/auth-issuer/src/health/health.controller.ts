import type { RedisClient } from '@app/platform';
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@app/auth-guard';
import { ISSUER_REDIS } from '../redis/issuer-redis';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(ISSUER_REDIS) private readonly redis: RedisClient,
  ) {}

  /** 200 when PostgreSQL and Redis both answer, 503 otherwise. */
  @Public()
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 1500 }),
      async () => {
        const indicator = this.indicators.check('redis');
        const up = await this.redis.ping().then(
          () => true,
          () => false,
        );
        return up ? indicator.up() : indicator.down();
      },
    ]);
  }
}
