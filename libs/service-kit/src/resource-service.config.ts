import { MAX_CLOCK_TOLERANCE_SECONDS } from '@app/contract';
import { readEnum, readInt, readOptional, readPort, readRedisPrefix, readRedisTopology, readString, readUrl, RedisTopology } from '@app/platform';

export interface ResourceServiceConfig {
  name: string;
  port: number;
  issuerUrl: string;
  jwksUrl?: string;
  audience: string;
  /** REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS + REDIS_SENTINEL_NAME. */
  redis: RedisTopology;
  redisPrefix: string;
  clockToleranceSeconds: number;
  /** AUTH_COOKIE=1: also accept the issuer's HttpOnly access cookie, under the CSRF double-submit check. */
  cookieAuth: boolean;
}

/** The env every resource service reads; a bad value stops the process naming the variable. */
export function loadResourceServiceConfig(env: NodeJS.ProcessEnv, defaults: { name: string; port: number }): ResourceServiceConfig {
  const jwksUrl = readOptional(env, 'JWKS_URL');
  return {
    name: defaults.name,
    port: readPort(env, 'PORT', defaults.port),
    issuerUrl: readUrl(env, 'ISSUER_URL', 'http://localhost:3000', ['http:', 'https:']),
    jwksUrl: jwksUrl ? readUrl(env, 'JWKS_URL', undefined, ['http:', 'https:']) : undefined,
    audience: readString(env, 'AUDIENCE', defaults.name),
    redis: readRedisTopology(env),
    redisPrefix: readRedisPrefix(env),
    clockToleranceSeconds: readInt(env, 'CLOCK_TOLERANCE', 5, { max: MAX_CLOCK_TOLERANCE_SECONDS }),
    cookieAuth: readEnum(env, 'AUTH_COOKIE', ['0', '1'], '0') === '1',
  };
}
