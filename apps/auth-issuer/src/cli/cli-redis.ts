import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readPort, readString } from '@app/platform';

/**
 * Where an operator command announces key changes: REDIS_URL, or else the private redis-server that
 * `npm start` runs (same DATA_DIR and EMBEDDED_REDIS_PORT defaults), or else nowhere (undefined):
 * running issuers then pick changes up within KEY_RELOAD_INTERVAL.
 */
export function cliRedisUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.REDIS_URL?.trim()) return env.REDIS_URL.trim();
  const localRedisDir = join(resolve(readString(env, 'DATA_DIR', '.data')), 'redis');
  if (existsSync(localRedisDir)) return `redis://127.0.0.1:${readPort(env, 'EMBEDDED_REDIS_PORT', 6390)}`;
  return undefined;
}
