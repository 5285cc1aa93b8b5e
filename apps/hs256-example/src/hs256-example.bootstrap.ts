import { Module } from '@nestjs/common';
import { MAX_CLOCK_TOLERANCE_SECONDS } from '@app/contract';
import { Hs256TokenService, Hs256TokensModule, hs256SecretsFromEnv, HS256_SECRETS_VARIABLE } from '@app/hs256-tokens';
import {
  checkRedisAccess,
  createHttpApp,
  describeRedisTopology,
  listen,
  readInt,
  readPort,
  readRedisPrefix,
  readRedisTopology,
  readString,
  readUrl,
  RunningApp,
} from '@app/platform';
import { Hs256ExampleController } from './hs256-example.controller';

/** The running example and its token service: the service's own login code is what calls `tokens.sign`. */
export interface RunningHs256Example extends RunningApp {
  tokens: Hs256TokenService;
}

/**
 * One internal service that issues and verifies its own HS256 tokens. Env: HS256_SECRETS (kid:base64url, current
 * first), ISSUER_URL (its own URL, the `iss`), AUDIENCE, ACCESS_TOKEN_TTL, REDIS_URL (or REDIS_CLUSTER_NODES, or REDIS_SENTINELS + REDIS_SENTINEL_NAME), REDIS_PREFIX, PORT.
 */
export async function startHs256Example(env: NodeJS.ProcessEnv): Promise<RunningHs256Example> {
  const port = readPort(env, 'PORT', 3003);
  const issuer = readUrl(env, 'ISSUER_URL', `http://localhost:${port}`, ['http:', 'https:']);
  const audience = readString(env, 'AUDIENCE', 'hs256-example');
  const ttlSeconds = readInt(env, 'ACCESS_TOKEN_TTL', 900, { min: 1, max: 86_400 });
  const redis = readRedisTopology(env);
  const redisPrefix = readRedisPrefix(env);
  const clockToleranceSeconds = readInt(env, 'CLOCK_TOLERANCE', 5, { max: MAX_CLOCK_TOLERANCE_SECONDS });
  const secrets = hs256SecretsFromEnv(env);
  await checkRedisAccess(redis);

  @Module({
    imports: [
      Hs256TokensModule.forRoot({ secrets, secretsVariable: HS256_SECRETS_VARIABLE, issuer, audience, ttlSeconds, redis, redisPrefix, clockToleranceSeconds }),
    ],
    controllers: [Hs256ExampleController],
  })
  class Hs256ExampleModule {}

  const app = await createHttpApp(Hs256ExampleModule);
  const url = await listen(app, port);
  return {
    name: 'hs256-example',
    url,
    // Kids only: secrets never reach a log line.
    describe: `hs256-example listening on ${url} (HS256, signing kid ${secrets[0].kid}, verifying ${secrets.map((s) => s.kid).join(', ')}); Redis ${describeRedisTopology(redis)}`,
    tokens: app.get(Hs256TokenService),
    close: () => app.close(),
  };
}
