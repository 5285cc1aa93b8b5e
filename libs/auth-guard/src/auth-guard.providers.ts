import { Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { createRedisClient, duplicateRedisClient, isRedisDescription, type RedisClient } from '@app/platform';
import { KEY_EVENTS, KEY_SOURCE, RESOLVED_OPTIONS, REVOCATION_REDIS, REVOCATION_SYNC } from './auth-guard.constants';
import { MODULE_OPTIONS_TOKEN, ResolvedGuardOptions, resolveOptions } from './auth-guard.module-definition';
import type { AuthGuardOptions } from './auth-guard.options';
import { AccessTokenGuard } from './guard/access-token.guard';
import { GuardMetrics } from './guard/guard.metrics';
import type { KeySource } from './keys/key-source';
import { JwksHttpClient } from './keys/jwks.client';
import { RemoteKeySet } from './keys/remote-key-set';
import { countingKeySource } from './observe/counting-key-source';
import { observedJwksFetcher } from './observe/observed-jwks.fetcher';
import { ObservedRevocationChecker } from './observe/observed-revocation.checker';
import { TracedAccessTokenVerifier } from './observe/traced-access-token.verifier';
import { KeyEventsSubscriber } from './push/key-events.subscriber';
import { RevocationChecker } from './revocation/revocation.checker';
import { RevocationSync } from './revocation/revocation.sync';
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
    inject: [RESOLVED_OPTIONS, GuardMetrics],
    useFactory: (o: ResolvedGuardOptions, metrics: GuardMetrics): KeySource =>
      o.keySource ??
      new RemoteKeySet({
        issuer: o.issuer,
        jwksUrl: o.jwksUrl,
        fetchTimeoutMs: o.fetchTimeoutMs,
        cooldownMs: o.unknownKidCooldownMs,
        refreshIntervalMs: o.jwksRefreshIntervalMs,
        maxStalenessMs: o.jwksMaxStalenessMs,
        now: o.now,
        // Counted by result and traced (observe/); the key set itself is unchanged.
        fetcher: observedJwksFetcher(new JwksHttpClient({ issuer: o.issuer, jwksUrl: o.jwksUrl, timeoutMs: o.fetchTimeoutMs }), metrics),
      }),
  },
  {
    provide: AccessTokenVerifier,
    inject: [KEY_SOURCE, RESOLVED_OPTIONS, GuardMetrics],
    // The verifier sees the key source through a per-kid counter; spans only when tracing is on.
    useFactory: (keys: KeySource, o: ResolvedGuardOptions, metrics: GuardMetrics) =>
      new TracedAccessTokenVerifier(countingKeySource(keys, metrics), {
        issuer: o.issuer,
        audience: o.audience,
        algorithms: o.algorithms,
        clockToleranceSeconds: o.clockToleranceSeconds,
        cacheSize: o.verifiedTokenCacheSize,
        now: o.now,
      }),
  },
  {
    provide: REVOCATION_REDIS,
    inject: [RESOLVED_OPTIONS],
    useFactory: (o: ResolvedGuardOptions): RedisClient | null =>
      o.redis === undefined ? null : isRedisDescription(o.redis) ? createRedisClient(o.redis) : o.redis,
  },
  {
    provide: REVOCATION_SYNC,
    inject: [REVOCATION_REDIS, RESOLVED_OPTIONS, AccessTokenVerifier],
    useFactory: (redis: RedisClient | null, o: ResolvedGuardOptions, verifier: AccessTokenVerifier): RevocationSync | null => {
      if (!redis || !o.revocationReplica) return null;
      // Events on a connection of their own (subscriber mode), resubscribed by the sync itself and followed by a full read.
      const connection =
        o.redis !== undefined && isRedisDescription(o.redis)
          ? createRedisClient(o.redis, { autoResubscribe: false })
          : duplicateRedisClient(redis, { autoResubscribe: false });
      return new RevocationSync(redis, connection, {
        prefix: o.redisPrefix,
        requireSeed: o.requireRevocationSeed,
        fullReadIntervalMs: o.revocationFullReadIntervalMs,
        now: o.now,
        onKeyRevoked: (kid) => verifier.forgetKid(kid),
      });
    },
  },
  {
    provide: RevocationChecker,
    inject: [REVOCATION_REDIS, RESOLVED_OPTIONS, GuardMetrics, REVOCATION_SYNC],
    useFactory: (redis: RedisClient | null, o: ResolvedGuardOptions, metrics: GuardMetrics, sync: RevocationSync | null): RevocationChecker | undefined =>
      redis ? new ObservedRevocationChecker(redis, o.redisPrefix, o.requireRevocationSeed, metrics, sync ?? undefined) : undefined,
  },
  {
    provide: KEY_EVENTS,
    inject: [KEY_SOURCE, REVOCATION_REDIS, RESOLVED_OPTIONS, GuardMetrics],
    useFactory: (keys: KeySource, redis: RedisClient | null, o: ResolvedGuardOptions, metrics: GuardMetrics): KeyEventsSubscriber | null => {
      // Only a key source that can act on a notice gets one (the issuer's own ring reloads from its database).
      if (!o.keyEvents || !redis || !keys.refreshNow) return null;
      // Subscriber mode takes the connection over, so events get a connection of their own; resubscription is ours (then resync).
      const connection =
        o.redis !== undefined && isRedisDescription(o.redis)
          ? createRedisClient(o.redis, { autoResubscribe: false })
          : duplicateRedisClient(redis, { autoResubscribe: false });
      return new KeyEventsSubscriber(connection, o.redisPrefix, keys, metrics);
    },
  },
  GuardMetrics,
];

export const AUTH_GUARD_PROVIDERS: Provider[] = [...AUTH_GUARD_CORE_PROVIDERS, { provide: APP_GUARD, useClass: AccessTokenGuard }];
