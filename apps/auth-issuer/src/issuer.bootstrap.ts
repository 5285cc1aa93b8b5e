import { createHttpApp, describeRedisTopology, listen, readCorsOrigins, readTrustProxy, redactUrl, RunningApp } from '@app/platform';
import { loadIssuerConfig } from './config/issuer.config';
import { runMigrations } from './database/run-migrations';
import { IssuerModule, IssuerOverrides } from './issuer.module';
import { KeyRingWatch } from './keys/ring/key-ring.watch';

/** Validates config, migrates the database, and starts the issuer's HTTP server. */
export async function startIssuer(env: NodeJS.ProcessEnv, overrides: IssuerOverrides = {}): Promise<RunningApp> {
  const config = loadIssuerConfig(env);
  const edge = { trustProxy: readTrustProxy(env), corsOrigins: readCorsOrigins(env) };
  await runMigrations(config.databaseUrl);
  const app = await createHttpApp(IssuerModule.forConfig(config, overrides), edge);
  const url = await listen(app, config.port);
  await app.get(KeyRingWatch).listening();
  return {
    name: 'auth-issuer',
    url,
    describe: `auth-issuer listening on ${url} (issuer ${config.issuerUrl}); PostgreSQL ${redactUrl(config.databaseUrl)}; Redis ${describeRedisTopology(config.redis)}`,
    close: () => app.close(),
  };
}
