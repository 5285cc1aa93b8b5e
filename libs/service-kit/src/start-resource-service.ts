import type { Provider, Type } from '@nestjs/common';
import { createHttpApp, listen, readCorsOrigins, redactUrl, RunningApp } from '@app/platform';
import { loadResourceServiceConfig } from './resource-service.config';
import { resourceServiceModule } from './resource-service.module';

export async function startResourceService(
  env: NodeJS.ProcessEnv,
  defaults: { name: string; port: number },
  controllers: Type<unknown>[],
  providers: Provider[] = [],
): Promise<RunningApp> {
  const config = loadResourceServiceConfig(env, defaults);
  const app = await createHttpApp(resourceServiceModule(config, controllers, providers), { corsOrigins: readCorsOrigins(env) });
  const url = await listen(app, config.port);
  const redis = config.redisUrl.startsWith('memory:') ? 'in-process' : redactUrl(config.redisUrl);
  return {
    name: config.name,
    url,
    describe: `${config.name} listening on ${url} (audience ${config.audience}, trusts ${config.issuerUrl}); Redis ${redis}`,
    close: () => app.close(),
  };
}
