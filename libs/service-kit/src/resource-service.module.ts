import { DynamicModule, Provider, Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ServiceErrorFilter } from '@app/platform';
import { AUTH_COOKIE_GUARD_OPTION } from '@app/contract';
import { AuthGuardModule } from '@app/auth-guard';
import { GuardHealthController } from './guard-health.controller';
import { IdentityController } from './identity.controller';
import type { ResourceServiceConfig } from './resource-service.config';

/** A resource service: the guard on every route, /health, /me and /admin/ping, plus the service's own controllers and providers. */
export function resourceServiceModule(config: ResourceServiceConfig, controllers: Type<unknown>[], providers: Provider[] = []): DynamicModule {
  return {
    module: class ResourceServiceModule {},
    imports: [
      AuthGuardModule.forRoot({
        issuer: config.issuerUrl,
        jwksUrl: config.jwksUrl,
        audience: config.audience,
        redis: config.redis,
        redisPrefix: config.redisPrefix,
        clockToleranceSeconds: config.clockToleranceSeconds,
        cookie: config.cookieAuth ? AUTH_COOKIE_GUARD_OPTION : undefined,
        requireRevocationSeed: true,
      }),
    ],
    controllers: [GuardHealthController, IdentityController, ...controllers],
    // Malformed requests get a quiet 4xx, anything unexpected a bare 500; the process never ends for either.
    providers: [{ provide: APP_FILTER, useClass: ServiceErrorFilter }, ...providers],
  };
}
