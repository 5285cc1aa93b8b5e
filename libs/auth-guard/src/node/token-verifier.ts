import type { AccessTokenClaims } from '@app/contract';
import { createRedisClient, duplicateRedisClient, isRedisDescription, type RedisClient } from '@app/platform/redis.client';
import type { AuthGuardOptions } from '../auth-guard.options';
import { realmOf, resolveOptions } from '../auth-guard.options.resolve';
import { accessShortfall, DelegationRule } from '../guard/access-rules';
import { Refusal, refusalFor } from '../http/refusal';
import { extractRequestToken, TokenBearingRequest } from '../http/request-token';
import { RemoteKeySet } from '../keys/remote-key-set';
import { KeyEventsSubscriber } from '../push/key-events.subscriber';
import { RevocationChecker } from '../revocation/revocation.checker';
import { RevocationSync } from '../revocation/revocation.sync';
import { AccessTokenVerifier } from '../verify/access-token.verifier';
import { VerificationError } from '../verify/verification.error';

/** The guard's options (same names, defaults and start-up checks), without the Nest-only `keySource`. */
export type NodeVerifierOptions = Omit<AuthGuardOptions, 'keySource'>;

/** Route rules for the middleware: any one of `roles`, every one of `scopes`, and who may act for the user. */
export interface AccessRules {
  roles?: string[];
  scopes?: string[];
  delegation?: DelegationRule;
}

export type RequestOutcome = { claims: AccessTokenClaims; refusal?: undefined } | { claims?: undefined; refusal: Refusal };

export interface TokenVerifier {
  /** Verified, unrevoked claims, or a VerificationError with its code. */
  verify(token: string): Promise<AccessTokenClaims>;
  /** Reads the token from the request as the Nest guard does and says what to answer. */
  verifyRequest(request: TokenBearingRequest, rules?: AccessRules): Promise<RequestOutcome>;
  /** Stops background refreshes and closes the Redis connections this verifier opened. */
  close(): Promise<void>;
}

/**
 * The Nest guard's verifier without Nest: the same RemoteKeySet (cache, cooldown, push, revoked kids),
 * AccessTokenVerifier and RevocationChecker, built from the same options.
 *
 * @example
 * const verifier = createTokenVerifier({ issuer: 'https://auth.example.com', audience: 'reports-api', redis: process.env.REDIS_URL });
 * const claims = await verifier.verify(token);
 */
export function createTokenVerifier(options: NodeVerifierOptions): TokenVerifier {
  const o = resolveOptions(options);
  const keys = new RemoteKeySet({
    issuer: o.issuer,
    jwksUrl: o.jwksUrl,
    fetchTimeoutMs: o.fetchTimeoutMs,
    cooldownMs: o.unknownKidCooldownMs,
    refreshIntervalMs: o.jwksRefreshIntervalMs,
    now: o.now,
  });
  const verifier = new AccessTokenVerifier(keys, {
    issuer: o.issuer,
    audience: o.audience,
    algorithms: o.algorithms,
    clockToleranceSeconds: o.clockToleranceSeconds,
    cacheSize: o.verifiedTokenCacheSize,
    now: o.now,
  });
  const described = o.redis !== undefined && isRedisDescription(o.redis) ? o.redis : undefined;
  const ownRedis = described !== undefined;
  const redis = described !== undefined ? createRedisClient(described) : (o.redis as RedisClient | undefined);
  const duplicate = (client: RedisClient) =>
    described !== undefined ? createRedisClient(described, { autoResubscribe: false }) : duplicateRedisClient(client, { autoResubscribe: false });
  const sync =
    redis && o.revocationReplica
      ? new RevocationSync(redis, duplicate(redis), {
          prefix: o.redisPrefix,
          requireSeed: o.requireRevocationSeed,
          fullReadIntervalMs: o.revocationFullReadIntervalMs,
          now: o.now,
          onKeyRevoked: (kid) => verifier.forgetKid(kid),
        })
      : undefined;
  const revocation = redis ? new RevocationChecker(redis, o.redisPrefix, o.requireRevocationSeed, sync) : undefined;
  // Subscriber mode takes a connection over, so events get one of their own (as in the Nest module).
  const subscriber = !redis || !o.keyEvents ? undefined : duplicate(redis);
  const events = subscriber && new KeyEventsSubscriber(subscriber, o.redisPrefix, keys);
  keys.start();
  // The first requests wait (at most one fetch timeout) for keys, Redis and events, as a Nest app's start-up does.
  const ready = Promise.all([
    keys.refresh().catch(() => undefined),
    events?.start(o.fetchTimeoutMs),
    redis && connected(redis, o.fetchTimeoutMs),
    sync?.start(o.fetchTimeoutMs),
  ]);

  const verify = async (token: string) => {
    await ready;
    const claims = await verifier.verify(token);
    await revocation?.assertNotRevoked(claims);
    return claims;
  };
  const refuse = (error: unknown, scope?: string): RequestOutcome => {
    const code = error instanceof VerificationError ? error.code : 'ERR_REVOCATION_UNAVAILABLE';
    const retryAfterSeconds = (error instanceof VerificationError ? error.retryAfterSeconds : undefined) ?? o.retryAfterSeconds;
    return { refusal: refusalFor(code, { realm: realmOf(o), retryAfterSeconds, scope }) };
  };

  return {
    verify,
    async verifyRequest(request, rules = {}) {
      const token = extractRequestToken(request, o.cookie);
      if (!token) return refuse(new VerificationError(token === undefined ? 'ERR_TOKEN_MISSING' : 'ERR_TOKEN_MALFORMED'));
      let claims: AccessTokenClaims;
      try {
        claims = await verify(token);
      } catch (error) {
        return refuse(error);
      }
      const shortfall = accessShortfall(claims, rules.roles, rules.scopes, rules.delegation);
      if (shortfall) return refuse(new VerificationError(shortfall.code), shortfall.code === 'ERR_INSUFFICIENT_SCOPE' ? shortfall.scope : undefined);
      return { claims };
    },
    async close() {
      keys.stop();
      await events?.stop();
      sync?.stop();
      if (ownRedis) await redis?.quit().catch(() => redis.disconnect());
    },
  };
}

const shared = new WeakMap<NodeVerifierOptions, TokenVerifier>();

/**
 * One call, no setup: the verifier (and its key cache) is made on first use and kept per options object,
 * so pass the same object every time.
 *
 * @example
 * const claims = await verifyAccessToken(token, GUARD_OPTIONS); // throws VerificationError (`.code`) on refusal
 */
export function verifyAccessToken(token: string, options: NodeVerifierOptions): Promise<AccessTokenClaims> {
  let verifier = shared.get(options);
  if (!verifier) shared.set(options, (verifier = createTokenVerifier(options)));
  return verifier.verify(token);
}

/** Resolves once the client is ready or after `waitMs`; commands fail fast while it is not (503). */
function connected(redis: RedisClient, waitMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, waitMs);
    redis.once('ready', done);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
  });
}
