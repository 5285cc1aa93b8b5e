import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, readPort, readString } from '@app/platform';

/**
 * The database an operator command works on: DATABASE_URL, or else the embedded PostgreSQL that
 * `npm start` runs (same DATA_DIR and EMBEDDED_PG_PORT defaults; it must be running).
 */
export function cliDatabaseUrl(env: NodeJS.ProcessEnv): string {
  if (env.DATABASE_URL?.trim()) return env.DATABASE_URL.trim();
  const passwordFile = join(resolve(readString(env, 'DATA_DIR', '.data')), 'postgres.password');
  if (!existsSync(passwordFile)) throw new ConfigError('DATABASE_URL', `is required (no embedded PostgreSQL found at ${passwordFile})`);
  const password = readFileSync(passwordFile, 'utf8').trim();
  return `postgres://postgres:${password}@127.0.0.1:${readPort(env, 'EMBEDDED_PG_PORT', 54320)}/auth_issuer`;
}
