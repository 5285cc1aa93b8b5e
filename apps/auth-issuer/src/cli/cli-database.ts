import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readPort, readString } from '@app/platform';
import { DEFAULT_EMBEDDED_PG_ROOT_DIR, startEmbeddedPostgres } from '../../../../scripts/embedded-postgres';
import { isPortInUse } from '../../../../scripts/tcp-probe';
import { StartError } from '../../../../scripts/start-error';

export interface CliDatabase {
  url: string;
  /** Stops the embedded PostgreSQL if this command started it; otherwise nothing. */
  close(): Promise<void>;
}

/**
 * The database an operator command works on: DATABASE_URL; else the embedded PostgreSQL of
 * `npm start` (same DATA_DIR, EMBEDDED_PG_PORT and EMBEDDED_PG_ROOT_DIR) when it is running;
 * else that same embedded cluster, started for this command and stopped after it.
 */
export async function openCliDatabase(env: NodeJS.ProcessEnv): Promise<CliDatabase> {
  if (env.DATABASE_URL?.trim()) return { url: env.DATABASE_URL.trim(), close: async () => undefined };
  const dataDir = join(resolve(readString(env, 'DATA_DIR', '.data')), 'postgres');
  const port = readPort(env, 'EMBEDDED_PG_PORT', 54320);
  if (await isPortInUse(port)) {
    // Someone runs it (npm start, most likely): the same password file opens it.
    const passwordFile = `${dataDir}.password`;
    if (!existsSync(passwordFile)) {
      throw new StartError(`port ${port} is in use but ${passwordFile} does not exist`, 'set DATABASE_URL, or EMBEDDED_PG_PORT to the port npm start uses');
    }
    const password = readFileSync(passwordFile, 'utf8').trim();
    return { url: `postgres://postgres:${password}@127.0.0.1:${port}/auth_issuer`, close: async () => undefined };
  }
  const rootDir = resolve(readString(env, 'EMBEDDED_PG_ROOT_DIR', DEFAULT_EMBEDDED_PG_ROOT_DIR));
  const store = await startEmbeddedPostgres({ dataDir, port, database: 'auth_issuer', rootDir });
  console.error(`note: started the embedded PostgreSQL (${store.describe}) for this command`);
  return { url: store.url, close: () => store.stop() };
}
