import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AccessTokenGuard, GUARD_DEFAULTS, GuardMetrics, RevocationChecker } from '@app/auth-guard';
import { createRedisClient, isRedisDescription, type RedisClient } from '@app/platform';
import { HS256_OPTIONS, HS256_REDIS } from './hs256.constants';
import { Hs256TokenService } from './hs256-token.service';
import { Hs256TokenVerifier } from './hs256-token.verifier';
import { Hs256TokensOptions, resolveHs256Options, ResolvedHs256Options } from './hs256-tokens.options';

type GuardOptions = ConstructorParameters<typeof AccessTokenGuard>[3];

/**
 * Single-service HS256 mode: this service signs its own access tokens and verifies them on every route with
 * the guard library's own AccessTokenGuard (deny by default, @Public/@Roles/@Scopes/@CurrentUser, the same
 * 401/403/503 answers and the same Redis revocation checker), over an HS256 verifier instead of JWKS.
 *
 * @example
 * Hs256TokensModule.forRoot({ secrets: hs256SecretsFromEnv(), issuer: 'https://reports.internal', audience: 'reports', ttlSeconds: 900, redis: process.env.REDIS_URL })
 */
@Module({})
export class Hs256TokensModule {
  static forRoot(options: Hs256TokensOptions): DynamicModule {
    // Synchronous: a short secret or bad option stops start before anything listens.
    const resolved = resolveHs256Options(options);
    return {
      module: Hs256TokensModule,
      global: true,
      // No module-level secret: every sign and verify names its kid's secret explicitly.
      imports: [JwtModule.register({})],
      providers: [
        { provide: HS256_OPTIONS, useValue: resolved },
        {
          provide: HS256_REDIS,
          useFactory: (): RedisClient | null =>
            resolved.redis === undefined ? null : isRedisDescription(resolved.redis) ? createRedisClient(resolved.redis) : resolved.redis,
        },
        {
          provide: RevocationChecker,
          inject: [HS256_REDIS],
          useFactory: (redis: RedisClient | null) => (redis ? new RevocationChecker(redis, resolved.redisPrefix) : null),
        },
        GuardMetrics,
        Hs256TokenVerifier,
        Hs256TokenService,
        {
          provide: APP_GUARD,
          inject: [Reflector, Hs256TokenVerifier, GuardMetrics, RevocationChecker],
          useFactory: (reflector: Reflector, verifier: Hs256TokenVerifier, metrics: GuardMetrics, revocation: RevocationChecker | null) =>
            new AccessTokenGuard(reflector, verifier, metrics, guardOptionsOf(resolved), revocation ?? undefined),
        },
      ],
      exports: [Hs256TokenService, Hs256TokenVerifier, GuardMetrics],
    };
  }
}

/** The guard reads realm, cookie and retryAfterSeconds only; the asymmetric allow-list stays as it is, unused here. */
function guardOptionsOf(o: ResolvedHs256Options): GuardOptions {
  return {
    ...GUARD_DEFAULTS,
    algorithms: [...GUARD_DEFAULTS.algorithms],
    issuer: o.issuer,
    audience: o.audience,
    clockToleranceSeconds: o.clockToleranceSeconds,
    redisPrefix: o.redisPrefix,
  };
}
