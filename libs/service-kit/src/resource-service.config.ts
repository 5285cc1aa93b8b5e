import { MAX_CLOCK_TOLERANCE_SECONDS } from '@app/contract';
import { readEnum, readInt, readOptional, readPort, readString, readUrl } from '@app/platform';

export interface ResourceServiceConfig {
  name: string;
  port: number;
  issuerUrl: string;
  jwksUrl?: string;
  audience: string;
  redisUrl: string;
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
    redisUrl: readUrl(env, 'REDIS_URL', undefined, ['redis:', 'rediss:', 'memory:']),
    redisPrefix: readString(env, 'REDIS_PREFIX', ''),
    clockToleranceSeconds: readInt(env, 'CLOCK_TOLERANCE', 5, { max: MAX_CLOCK_TOLERANCE_SECONDS }),
    cookieAuth: readEnum(env, 'AUTH_COOKIE', ['0', '1'], '0') === '1',
  };
}
