import type { RedisClient } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Registry } from 'prom-client';
import { AUTH_COOKIE_GUARD_OPTION } from '@app/contract';
import { AuthGuardModule } from '@app/auth-guard';
import { SessionsModule } from './auth/sessions.module';
import type { IssuerConfig } from './config/issuer.config';
import type { Clock } from './core/clock';
import { ConsoleModule } from './console/console.module';
import { IssuerCoreModule } from './core/issuer-core.module';
import { IssuerErrorFilter } from './errors/issuer-error.filter';
import { HealthModule } from './health/health.module';
import { KeysModule } from './keys/keys.module';
import { IssuerKeySource } from './keys/ring/issuer-key.source';
import { KeyRingModule } from './keys/ring/key-ring.module';
import { IssuerMetricsModule } from './metrics/issuer-metrics.module';
import { OAuthModule } from './oauth/oauth.module';
import { ISSUER_REDIS } from './redis/issuer-redis';

/** Test seams; production passes none. */
export interface IssuerOverrides {
  /** Time source of the key lifecycle. */
  clock?: Clock;
}

/** The issuer server: the core, the feature modules on it, and the guard over every route. See docs/architecture.md. */
@Module({})
export class IssuerModule {
  /** `registry`: the app's metrics registry (the bootstrap serves it); a private one when not given. */
  static forConfig(config: IssuerConfig, overrides: IssuerOverrides = {}, registry: Registry = new Registry()): DynamicModule {
    const metrics = IssuerMetricsModule.forRegistry(registry);
    return {
      module: IssuerModule,
      imports: [
        IssuerCoreModule.forConfig(config, { clock: overrides.clock }),
        KeysModule,
        SessionsModule,
        OAuthModule,
        HealthModule,
        metrics,
        ConsoleModule.withMetrics(metrics),
        AuthGuardModule.forRootAsync({
          imports: [KeyRingModule],
          inject: [IssuerKeySource, ISSUER_REDIS],
          useFactory: (keySource: IssuerKeySource, redis: RedisClient) => ({
            issuer: config.issuerUrl,
            // Never the issuer URL itself: user tokens (logout) name the services, admin tokens the admin API,
            // which AdminAudienceGuard then requires exactly on /admin/*.
            audience: [config.adminAudience, ...config.audiences],
            realm: config.issuerUrl,
            keySource,
            redis,
            redisPrefix: config.redisPrefix,
            cookie: config.cookieDelivery ? AUTH_COOKIE_GUARD_OPTION : undefined,
            requireRevocationSeed: true,
          }),
        }),
      ],
      providers: [{ provide: APP_FILTER, useClass: IssuerErrorFilter }],
    };
  }
}
