import { exportGuardMetrics, GuardMetrics } from '@app/auth-guard';
import {
  checkRedisAccess,
  createAppRegistry,
  createHttpApp,
  describeMetricsListener,
  describeRedisTopology,
  listen,
  readCorsOrigins,
  readLogLevel,
  readMetricsConfig,
  readTrustProxy,
  redactUrl,
  RunningApp,
  serveMetrics,
} from '@app/platform';
import { loadIssuerConfig } from './config/issuer.config';
import { runMigrations } from './database/run-migrations';
import { IssuerModule, IssuerOverrides } from './issuer.module';
import { KeyRingWatch } from './keys/ring/key-ring.watch';

/** Validates config, migrates the database, and starts the issuer's HTTP server. */
export async function startIssuer(env: NodeJS.ProcessEnv, overrides: IssuerOverrides = {}): Promise<RunningApp> {
  const config = loadIssuerConfig(env);
  const edge = { trustProxy: readTrustProxy(env), corsOrigins: readCorsOrigins(env), logLevel: readLogLevel(env), name: 'auth-issuer' };
  const metricsConfig = readMetricsConfig(env);
  await checkRedisAccess(config.redis);
  await runMigrations(config.databaseUrl, config.database);
  const registry = createAppRegistry('auth-issuer');
  const app = await createHttpApp(IssuerModule.forConfig(config, overrides, registry), edge);
  exportGuardMetrics(registry, app.get(GuardMetrics));
  const metricsServer = await serveMetrics(app.getHttpAdapter().getInstance(), registry, metricsConfig);
  const url = await listen(app, config.port).catch(async (error: unknown) => {
    metricsServer?.close();
    throw error;
  });
  await app.get(KeyRingWatch).listening();
  return {
    name: 'auth-issuer',
    url,
    describe: `auth-issuer listening on ${url} (issuer ${config.issuerUrl}); PostgreSQL ${redactUrl(config.databaseUrl)}; Redis ${describeRedisTopology(config.redis)}${describeMetricsListener(metricsServer)}`,
    close: async () => {
      metricsServer?.close();
      await app.close();
    },
  };
}
