import type { Provider, Type } from '@nestjs/common';
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
  RunningApp,
  serveMetrics,
} from '@app/platform';
import { exportGuardMetrics, GuardMetrics } from '@app/auth-guard';
import { loadResourceServiceConfig } from './resource-service.config';
import { resourceServiceModule } from './resource-service.module';

export async function startResourceService(
  env: NodeJS.ProcessEnv,
  defaults: { name: string; port: number },
  controllers: Type<unknown>[],
  providers: Provider[] = [],
): Promise<RunningApp> {
  const config = loadResourceServiceConfig(env, defaults);
  const metricsConfig = readMetricsConfig(env);
  await checkRedisAccess(config.redis);
  const app = await createHttpApp(resourceServiceModule(config, controllers, providers), {
    corsOrigins: readCorsOrigins(env),
    logLevel: readLogLevel(env),
    name: config.name,
  });
  // Node process metrics and the guard's series, on this app's own registry (docs/operations.md).
  const registry = createAppRegistry(config.name);
  exportGuardMetrics(registry, app.get(GuardMetrics));
  const metricsServer = await serveMetrics(app.getHttpAdapter().getInstance(), registry, metricsConfig);
  const url = await listen(app, config.port).catch(async (error: unknown) => {
    metricsServer?.close();
    throw error;
  });
  return {
    name: config.name,
    url,
    describe: `${config.name} listening on ${url} (audience ${config.audience}, trusts ${config.issuerUrl}); Redis ${describeRedisTopology(config.redis)}${describeMetricsListener(metricsServer)}`,
    close: async () => {
      metricsServer?.close();
      await app.close();
    },
  };
}
