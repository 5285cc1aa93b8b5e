import { readInt } from '@app/platform';

/** Limits on failed client authentication at /oauth/token, /oauth/revoke and /oauth/introspect. */
export interface ClientAuthProtectionConfig {
  /** Failed authentications per client_id (any address, known or not) within the window before 429. */
  maxFailuresPerClient: number;
  /** Failed authentications per client address (any client_id) within the window before 429. */
  maxFailuresPerIp: number;
  /** Window in seconds, counted from the first failure; also the longest Retry-After. */
  failureWindowSeconds: number;
}

export function loadClientAuthProtectionConfig(env: NodeJS.ProcessEnv): ClientAuthProtectionConfig {
  return {
    maxFailuresPerClient: readInt(env, 'CLIENT_AUTH_MAX_FAILURES_PER_CLIENT', 20, { min: 1, max: 100_000 }),
    maxFailuresPerIp: readInt(env, 'CLIENT_AUTH_MAX_FAILURES_PER_IP', 100, { min: 1, max: 1_000_000 }),
    failureWindowSeconds: readInt(env, 'CLIENT_AUTH_FAILURE_WINDOW', 900, { min: 1, max: 86_400 }),
  };
}
