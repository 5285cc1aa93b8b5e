import { readInt } from '@app/platform';

/** Limits on password login; all env-configurable, defaults loose enough for tests and demos from one address. */
export interface LoginProtectionConfig {
  /** Failed logins per account (any client) within the window before 429. */
  maxFailuresPerAccount: number;
  /** Failed logins per client address (any account) within the window before 429: password spraying. */
  maxFailuresPerIp: number;
  /** Window in seconds, counted from the first failure; also the longest Retry-After. */
  failureWindowSeconds: number;
  /** argon2 hashes running at once (each holds 19 MiB). */
  hashConcurrency: number;
  /** Logins waiting for a hash slot before further ones get 503. */
  hashQueue: number;
}

export function loadLoginProtectionConfig(env: NodeJS.ProcessEnv): LoginProtectionConfig {
  return {
    maxFailuresPerAccount: readInt(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 10, { min: 1, max: 100_000 }),
    maxFailuresPerIp: readInt(env, 'LOGIN_MAX_FAILURES_PER_IP', 100, { min: 1, max: 1_000_000 }),
    failureWindowSeconds: readInt(env, 'LOGIN_FAILURE_WINDOW', 900, { min: 1, max: 86_400 }),
    hashConcurrency: readInt(env, 'PASSWORD_HASH_CONCURRENCY', 4, { min: 1, max: 64 }),
    hashQueue: readInt(env, 'PASSWORD_HASH_QUEUE', 64, { min: 0, max: 10_000 }),
  };
}
