import { ConfigError, readInt } from '@app/platform';

/** Timing of the signing-key lifecycle, in seconds. See docs/keys.md for how the bounds combine. */
export interface KeyLifecycleConfig {
  /** How long a key signs before the next one takes over (KEY_ROTATION_INTERVAL). */
  rotationIntervalSeconds: number;
  /** How long a pending key is published before it may sign (KEY_PUBLISH_LEAD_TIME). */
  publishLeadSeconds: number;
  /** `Cache-Control: max-age` of the JWKS (JWKS_MAX_AGE). */
  jwksMaxAgeSeconds: number;
  /** How often every replica re-reads the key table even without a Redis event (KEY_RELOAD_INTERVAL). */
  reloadIntervalSeconds: number;
  /** How often the scheduler checks the stored timestamps for a due step (KEY_ROTATION_TICK). */
  tickSeconds: number;
  /** Extra time a retired key stays published after its last token expired: verifiers' clock tolerance (KEY_REMOVAL_GRACE). */
  removalGraceSeconds: number;
}

const DAY = 86_400;

/**
 * Reads the key timing and checks the orderings the lifecycle relies on:
 * max-age + reload < lead time (verifiers learn a key before it signs) and lead time <= rotation interval.
 */
export function loadKeyLifecycleConfig(env: NodeJS.ProcessEnv): KeyLifecycleConfig {
  const jwksMaxAgeSeconds = readInt(env, 'JWKS_MAX_AGE', 300, { min: 0, max: DAY });
  const reloadIntervalSeconds = readInt(env, 'KEY_RELOAD_INTERVAL', 5, { min: 1, max: 300 });
  const minLead = jwksMaxAgeSeconds + reloadIntervalSeconds;
  const publishLeadSeconds = readInt(env, 'KEY_PUBLISH_LEAD_TIME', Math.max(3600, minLead), { min: 1, max: 30 * DAY });
  if (publishLeadSeconds < minLead) {
    throw new ConfigError('KEY_PUBLISH_LEAD_TIME', `must be at least JWKS_MAX_AGE + KEY_RELOAD_INTERVAL (${minLead}) so verifiers know a key before it signs`);
  }
  const rotationIntervalSeconds = readInt(env, 'KEY_ROTATION_INTERVAL', Math.max(DAY, publishLeadSeconds), { min: 1, max: 365 * DAY });
  if (rotationIntervalSeconds < publishLeadSeconds) {
    throw new ConfigError('KEY_ROTATION_INTERVAL', `must be at least KEY_PUBLISH_LEAD_TIME (${publishLeadSeconds})`);
  }
  return {
    rotationIntervalSeconds,
    publishLeadSeconds,
    jwksMaxAgeSeconds,
    reloadIntervalSeconds,
    tickSeconds: readInt(env, 'KEY_ROTATION_TICK', 60, { min: 1, max: 3600 }),
    removalGraceSeconds: readInt(env, 'KEY_REMOVAL_GRACE', 60, { min: 0, max: 3600 }),
  };
}
