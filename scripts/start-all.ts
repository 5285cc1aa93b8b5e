import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { ConfigError, describeRedisTopology, readPort, isRedisConfigured, readRedisTopology, readString, redactUrl, type RunningApp } from '@app/platform';
import { BackingStore, externalStore } from './backing-store';
import { DEFAULT_EMBEDDED_PG_ROOT_DIR, startEmbeddedPostgres } from './embedded-postgres';
import { startLocalRedis } from './local-redis';
import { metricsPortsFor } from './metrics-ports';
import { withoutNewSignalListeners } from './signal-ownership';
import { startFailureLine } from './start-error';
import { Teardown } from './teardown';

/**
 * `npm start`: the whole system in one process on a laptop with only Node installed.
 * One process is deliberate: the in-process Redis fallback is shared only within it.
 */

type StartApp = (env: NodeJS.ProcessEnv) => Promise<RunningApp>;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

// Loaded lazily so app modules see DATABASE_URL/REDIS_URL even if they read env at import time.
const APPS: Array<{ portVariable: string; defaultPort: number; load: () => Promise<StartApp> }> = [
  // The issuer first: the services fetch its discovery document and JWKS.
  { portVariable: 'ISSUER_PORT', defaultPort: 3000, load: async () => (await import('../apps/auth-issuer/src/issuer.bootstrap')).startIssuer },
  { portVariable: 'ORDERS_API_PORT', defaultPort: 3001, load: async () => (await import('../apps/orders-api/src/orders-api.bootstrap')).startOrdersApi },
  { portVariable: 'BILLING_API_PORT', defaultPort: 3002, load: async () => (await import('../apps/billing-api/src/billing-api.bootstrap')).startBillingApi },
];

async function start(teardown: Teardown, signal: AbortSignal): Promise<string[]> {
  const env = process.env;
  // Every launcher variable is checked before anything starts.
  const ports = APPS.map((app) => readPort(env, app.portVariable, app.defaultPort));
  const metricsPorts = metricsPortsFor(env, ports);
  const pgPort = readPort(env, 'EMBEDDED_PG_PORT', 54320);
  const redisPort = readPort(env, 'EMBEDDED_REDIS_PORT', 6390);
  // Same variable and default as the issuer's own local files; npm runs scripts from the package root.
  const dataDir = resolve(readString(env, 'DATA_DIR', '.data'));
  const pgRootDir = resolve(readString(env, 'EMBEDDED_PG_ROOT_DIR', DEFAULT_EMBEDDED_PG_ROOT_DIR));
  // A configured Redis (one, a Cluster or Sentinel) reaches the apps as configured; only without one is a local one started.
  const redisTopology = isRedisConfigured(env) ? readRedisTopology(env) : undefined;

  const postgres = env.DATABASE_URL
    ? externalStore(env.DATABASE_URL, `external ${redactUrl(env.DATABASE_URL)}`)
    : await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), port: pgPort, database: 'auth_issuer', rootDir: pgRootDir });
  teardown.add({ name: 'postgres', stop: () => postgres.stop() });
  signal.throwIfAborted();

  const redis: BackingStore = redisTopology
    ? externalStore('', `external ${describeRedisTopology(redisTopology)}`)
    : await startLocalRedis({ dataDir: join(dataDir, 'redis'), port: redisPort });
  teardown.add({ name: 'redis', stop: () => redis.stop() });
  signal.throwIfAborted();

  // Set on process.env as well, for any code that reads it rather than the env it is given.
  env.DATABASE_URL = postgres.url;
  if (!redisTopology) env.REDIS_URL = redis.url;
  // With ISSUER_PORT moved, the services must trust the issuer where it really listens.
  if (!env.ISSUER_URL?.trim()) env.ISSUER_URL = `http://localhost:${ports[0]}`;
  // orders-api calls billing-api for the user (token exchange) wherever billing-api really listens.
  if (!env.BILLING_API_URL?.trim()) env.BILLING_API_URL = `http://localhost:${ports[2]}`;

  const lines: string[] = [];
  for (const [index, app] of APPS.entries()) {
    const startApp = await app.load();
    const appEnv = { ...env, PORT: String(ports[index]), ...(metricsPorts && { METRICS_PORT: String(metricsPorts[index]) }) };
    const running = await withoutNewSignalListeners(() => startApp(appEnv));
    teardown.add({ name: running.name, stop: () => running.close() });
    lines.push(running.describe);
    signal.throwIfAborted();
  }
  return [...lines, `postgres: ${postgres.describe}`, `redis: ${redis.describe}`];
}

function describeFailure(error: unknown): string {
  return error instanceof ConfigError ? `config error: ${error.message}` : startFailureLine(error);
}

function main(): void {
  const teardown = new Teardown();
  const abort = new AbortController();
  let startup: Promise<string[]> = Promise.resolve([]);

  const onSignal = (name: NodeJS.Signals) => {
    // A second Ctrl+C means "now": the exit hooks still kill postgres and redis.
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
    console.log(`${name}: stopping`);
    void startup
      .catch(() => undefined)
      .then(() => teardown.run())
      .finally(() => process.exit(0));
  };
  // Registered before anything starts, so withoutNewSignalListeners never mistakes them for a library's.
  for (const name of SIGNALS) process.on(name, onSignal);

  const fail = async (error: unknown) => {
    if (abort.signal.aborted) return; // interrupted on purpose; the signal handler stops things
    abort.abort();
    console.error(describeFailure(error));
    await teardown.run();
    process.exit(1);
  };
  // Until everything is up, an error thrown outside our promises (a library's unhandled 'error'
  // event, say) is a failed start too: one line, never a stack trace. Once running, the apps' own
  // handlers take over.
  const duringStartup = (error: unknown) => void fail(error);
  process.on('uncaughtException', duringStartup);
  process.on('unhandledRejection', duringStartup);
  startup = start(teardown, abort.signal);
  startup
    .then((lines) => console.log(lines.join('\n')), fail)
    .finally(() => {
      process.removeListener('uncaughtException', duringStartup);
      process.removeListener('unhandledRejection', duringStartup);
    });
}

main();
