import type { Type } from '@nestjs/common';
import { createHttpApp, describeRedisTopology, listen, readCorsOrigins, RunningApp } from '@app/platform';
import { loadResourceServiceConfig } from './resource-service.config';
import { resourceServiceModule } from './resource-service.module';

export async function startResourceService(
  env: NodeJS.ProcessEnv,
  defaults: { name: string; port: number },
  controllers: Type<unknown>[],
): Promise<RunningApp> {
  const config = loadResourceServiceConfig(env, defaults);
  const app = await createHttpApp(resourceServiceModule(config, controllers), { corsOrigins: readCorsOrigins(env) });
  const url = await listen(app, config.port);
  return {
    name: config.name,
    url,
    describe: `${config.name} listening on ${url} (audience ${config.audience}, trusts ${config.issuerUrl}); Redis ${describeRedisTopology(config.redis)}`,
    close: () => app.close(),
  };
}
