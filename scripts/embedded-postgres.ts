import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { redactUrl } from '@app/platform';
import { type BackingStore, displayPath } from './backing-store';
import { postgresBinaries } from './embedded-postgres.binaries';
import { placeCluster } from './embedded-postgres.placement';
import { readOrCreateSecret } from './local-secret';
import type { RunAs } from './path-access';
import { initCluster, startServer } from './postgres-process';
import { postgresRunAs } from './service-user';
import { StartError } from './start-error';
import { isPortInUse } from './tcp-probe';

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; its password sits beside it (`<dataDir>.password`, 0600). */
  dataDir: string;
  port: number;
  database: string;
  /** As root only: home of binary copies and clusters the postgres user could not reach in place. */
  rootDir: string;
}

export const DEFAULT_EMBEDDED_PG_ROOT_DIR = '/var/lib/token-backbone';
const SUPERUSER = 'postgres';

/**
 * Starts (and on first use initialises) a private PostgreSQL cluster. PostgreSQL refuses to run
 * as root, so as root it runs as the `postgres` system user, with binaries and data where that
 * user can reach them (see placeCluster). Every failure is a StartError: one line, cause and fix.
 */
export async function startEmbeddedPostgres({ dataDir, port, database, rootDir }: EmbeddedPostgresOptions): Promise<BackingStore> {
  const passwordFile = `${dataDir}.password`;
  if (await isPortInUse(port)) {
    throw new StartError(
      `port ${port} on 127.0.0.1 is already in use (a leftover embedded postgres?)`,
      'stop what holds it, or set EMBEDDED_PG_PORT to a free port',
    );
  }
  const runAs = postgresRunAs();
  const clusterDir = placeCluster(dataDir, runAs, rootDir);
  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  if (initialised && !existsSync(passwordFile)) {
    throw new StartError(`${passwordFile} is missing, so the cluster in ${clusterDir} cannot be opened`, `restore it, or delete ${clusterDir} to start over`);
  }
  const password = readOrCreateSecret(passwordFile);
  const binaries = postgresBinaries(runAs, rootDir);
  if (!initialised) {
    prepareDataDir(clusterDir, runAs);
    await initCluster(binaries.initdb, clusterDir, SUPERUSER, password, runAs);
  }
  const server = await startServer(binaries.postgres, clusterDir, port, runAs);
  const url = `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${database}`;
  try {
    await ensureDatabase(port, password, database);
  } catch (error) {
    await server.stop();
    throw new StartError(
      `embedded PostgreSQL started but database ${database} is not usable (${(error as Error).message})`,
      'see the cause, or set DATABASE_URL',
    );
  }
  const where = clusterDir === dataDir ? displayPath(dataDir) : `${clusterDir} (for ${displayPath(dataDir)})`;
  return { url, describe: `embedded at ${where} (${redactUrl(url)})`, stop: () => server.stop() };
}

/** initdb wants an empty directory that its user owns, private (0700). */
function prepareDataDir(dir: string, runAs: RunAs | undefined): void {
  mkdirSync(dirname(dir), { recursive: true, mode: 0o755 });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
