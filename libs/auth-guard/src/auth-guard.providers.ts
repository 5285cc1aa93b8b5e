import { Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { redisKeys } from '@app/contract';
import { createRedisClient, duplicateRedisClient, isRedisDescription, type RedisClient } from '@app/platform';
import { KEY_EVENTS, KEY_SOURCE, RESOLVED_OPTIONS, REVOCATION_REDIS } from './auth-guard.constants';
import { MODULE_OPTIONS_TOKEN, ResolvedGuardOptions, resolveOptions } from './auth-guard.module-definition';
import type { AuthGuardOptions } from './auth-guard.options';
import { AccessTokenGuard } from './guard/access-token.guard';
import { GuardMetrics } from './guard/guard.metrics';
import type { KeySource } from './keys/key-source';
import { RemoteKeySet } from './keys/remote-key-set';
import { KeyEventsSubscriber } from './push/key-events.subscriber';
import { RevocationChecker } from './revocation/revocation.checker';
import { AccessTokenVerifier } from './verify/access-token.verifier';

/**
 * Providers are plain factories over the resolved options, so each piece can be built alone in tests.
 * The core (verifier, keys, revocation, events) is shared by the native guard and the Passport strategy.
 */
export const AUTH_GUARD_CORE_PROVIDERS: Provider[] = [
  {
    provide: RESOLVED_OPTIONS,
    inject: [MODULE_OPTIONS_TOKEN],
    useFactory: (options: AuthGuardOptions) => resolveOptions(options),
  },
  {
    provide: KEY_SOURCE,
    inject: [RESOLVED_OPTIONS],
    useFactory: (o: ResolvedGuardOptions): KeySource =>
      o.keySource ??
      new RemoteKeySet({
        issuer: o.issuer,
        jwksUrl: o.jwksUrl,
        fetchTimeoutMs: o.fetchTimeoutMs,
        cooldownMs: o.unknownKidCooldownMs,
        refreshIntervalMs: o.jwksRefreshIntervalMs,
        maxStalenessMs: o.jwksMaxStalenessMs,
        now: o.now,
      }),
  },
  {
    provide: AccessTokenVerifier,
    inject: [KEY_SOURCE, RESOLVED_OPTIONS],
    useFactory: (keys: KeySource, o: ResolvedGuardOptions) =>
      new AccessTokenVerifier(keys, {
        issuer: o.issuer,
        audience: o.audience,
        algorithms: o.algorithms,
        clockToleranceSeconds: o.clockToleranceSeconds,
        now: o.now,
      }),
  },
  {
    provide: REVOCATION_REDIS,
    inject: [RESOLVED_OPTIONS],
    useFactory: (o: ResolvedGuardOptions): RedisClient | null => (o.redis === undefined ? null : isRedisDescription(o.redis) ? createRedisClient(o.redis) : o.redis),
  },
  {
    provide: RevocationChecker,
    inject: [REVOCATION_REDIS, RESOLVED_OPTIONS],
    useFactory: (redis: RedisClient | null, o: ResolvedGuardOptions) => (redis ? new RevocationChecker(redis, o.redisPrefix, o.requireRevocationSeed) : undefined),
  },
  {
    provide: KEY_EVENTS,
    inject: [KEY_SOURCE, REVOCATION_REDIS, RESOLVED_OPTIONS, GuardMetrics],
    useFactory: (keys: KeySource, redis: RedisClient | null, o: ResolvedGuardOptions, metrics: GuardMetrics): KeyEventsSubscriber | null => {
      // Only a key source that can act on a notice gets one (the issuer's own ring reloads from its database).
      if (!o.keyEvents || !redis || !keys.refreshNow) return null;
      // Subscriber mode takes the connection over, so events get a connection of their own; resubscription is ours (then resync).
      const connection = o.redis !== undefined && isRedisDescription(o.redis) ? createRedisClient(o.redis, { autoResubscribe: false }) : duplicateRedisClient(redis, { autoResubscribe: false });
      return new KeyEventsSubscriber(connection, redisKeys(o.redisPrefix).events, keys, metrics);
    },
  },
  GuardMetrics,
];

export const AUTH_GUARD_PROVIDERS: Provider[] = [...AUTH_GUARD_CORE_PROVIDERS, { provide: APP_GUARD, useClass: AccessTokenGuard }];
