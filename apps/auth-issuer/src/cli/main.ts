import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type Redis from 'ioredis';
import { userInfo } from 'node:os';
import { ConfigError } from '@app/platform';
import { loadIssuerConfig } from '../config/issuer.config';
import { runMigrations } from '../database/run-migrations';
import { IssuerError } from '../errors/issuer.error';
import type { KeyActor } from '../keys/key-change.notifier';
import { ISSUER_REDIS } from '../redis/redis.module';
import { COMMANDS } from './cli.commands';
import { CliModule } from './cli.module';
import { UsageError } from './usage.error';

/**
 * Operator CLI on the issuer's database: `node dist/apps/auth-issuer/src/cli/main.js <command> ...`.
 * Validates config exactly like the server. Exit codes: 0 done, 1 refused or failed, 2 usage.
 */
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(`usage: <command> ...\n${Object.values(COMMANDS).map((c) => `  ${c.usage}`).join('\n')}`);
    return 2;
  }
  const config = loadIssuerConfig(process.env);
  await runMigrations(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(CliModule.forConfig(config), { logger: ['error', 'warn'], abortOnError: false });
  try {
    await redisReady(app.get<Redis>(ISSUER_REDIS));
    await command.run(app, args, operator(), (line) => console.log(line));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`usage error: ${error.message}\nusage: ${command.usage}`);
      return 2;
    }
    throw error;
  } finally {
    await app.close();
  }
}

/** Key changes are announced on Redis so replicas reload at once; without it they still do within KEY_RELOAD_INTERVAL. */
async function redisReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  const ready = new Promise<boolean>((resolve) => {
    redis.once('ready', () => resolve(true));
    setTimeout(() => resolve(false), 3000).unref();
  });
  if (!(await ready)) console.error('warning: Redis unreachable; replicas pick up key changes within KEY_RELOAD_INTERVAL');
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(`config error: ${error.message}`);
    else if (error instanceof IssuerError) console.error(`error: ${error.code}: ${error.description}`);
    else console.error(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
