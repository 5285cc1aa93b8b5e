import { NestFactory } from '@nestjs/core';
import { userInfo } from 'node:os';
import { checkRedisAccess, ConfigError, type RedisClient } from '@app/platform';
import { loadIssuerConfig } from '../config/issuer.config';
import { runMigrations } from '../database/run-migrations';
import { IssuerError } from '../errors/issuer.error';
import type { KeyActor } from '../keys/lifecycle/key-change.transaction';
import { ISSUER_REDIS } from '../redis/issuer-redis';
import { startFailureLine, StartError } from '../../../../scripts/start-error';
import { type CliDatabase, openCliDatabase } from './cli-database';
import { cliRedisEnv } from './cli-redis';
import type { ContextCommand } from './cli.commands';
import { CliModule } from './cli.module';
import { UsageError } from './usage.error';

/**
 * Runs a key or user command on the issuer's database, with config validated exactly like the server's.
 * DATABASE_URL and REDIS_URL fall back to `npm start`'s embedded stores; without a Redis changes are not
 * announced and running issuers pick them up within KEY_RELOAD_INTERVAL. Exit codes: 0 done,
 * 1 refused or failed, 2 usage.
 */
export function issuerContextCommand(command: ContextCommand) {
  return async (args: string[], env: NodeJS.ProcessEnv): Promise<number> => {
    let database: CliDatabase | undefined;
    try {
      const redisEnv = await cliRedisEnv(env);
      if (!redisEnv) console.error('warning: REDIS_URL unset; running issuers pick up key changes within KEY_RELOAD_INTERVAL');
      const withRedis = { ...env, ...(redisEnv ?? { REDIS_URL: 'memory://cli' }) };
      // Validated first, so a bad variable never starts the embedded database.
      const validated = loadIssuerConfig({ ...withRedis, DATABASE_URL: env.DATABASE_URL?.trim() || 'postgres://validating' });
      // A refused password is a config error here as at the server's start, not an "unreachable" warning.
      await checkRedisAccess(validated.redis);
      database = await openCliDatabase(env);
      const config = loadIssuerConfig({ ...withRedis, DATABASE_URL: database.url });
      await runMigrations(config.databaseUrl, config.database);
      const app = await NestFactory.createApplicationContext(CliModule.forConfig(config), { logger: ['error', 'warn'], abortOnError: false });
      try {
        if (redisEnv) await redisReady(app.get<RedisClient>(ISSUER_REDIS));
        await command.run(app, args, operator(), (line) => console.log(line));
        return 0;
      } finally {
        await app.close();
      }
    } catch (error) {
      return report(error, command);
    } finally {
      await database?.close();
    }
  };
}

function report(error: unknown, command: ContextCommand): number {
  if (error instanceof UsageError) {
    console.error(`usage error: ${error.message}\nusage: ${command.usage}`);
    return 2;
  }
  if (error instanceof ConfigError) console.error(`config error: ${error.message}`);
  else if (error instanceof StartError) console.error(startFailureLine(error));
  else if (error instanceof IssuerError) console.error(`error: ${error.code}: ${error.description}`);
  else console.error(`failed: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}

/** Key changes are announced on Redis so replicas reload at once; without it they still do within KEY_RELOAD_INTERVAL. */
async function redisReady(redis: RedisClient): Promise<void> {
  if (redis.status === 'ready') return;
  const ready = new Promise<boolean>((resolve) => {
    redis.once('ready', () => resolve(true));
    setTimeout(() => resolve(false), 3000).unref();
  });
  if (!(await ready)) console.error('warning: RedisClient unreachable; running issuers pick up key changes within KEY_RELOAD_INTERVAL');
}

function operator(): KeyActor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry in some containers
  }
  return { subject: `cli:${name}`, via: 'cli' };
}
