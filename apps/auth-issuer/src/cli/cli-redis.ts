import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readPort, readString } from '@app/platform';
import { isPortInUse } from '../../../../scripts/tcp-probe';

/**
 * Where an operator command announces key changes: REDIS_URL, or else the private redis-server that
 * `npm start` runs (same DATA_DIR and EMBEDDED_REDIS_PORT defaults) while it runs, or else nowhere
 * (undefined): running issuers then pick changes up within KEY_RELOAD_INTERVAL.
 */
export async function cliRedisUrl(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.REDIS_URL?.trim()) return env.REDIS_URL.trim();
  const localRedisDir = join(resolve(readString(env, 'DATA_DIR', '.data')), 'redis');
  const port = readPort(env, 'EMBEDDED_REDIS_PORT', 6390);
  // Not running means no issuer listens on it either: nobody to tell.
  if (existsSync(localRedisDir) && (await isPortInUse(port))) return `redis://127.0.0.1:${port}`;
  return undefined;
}
