import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';

/** A throw-away database (random name starting with `label`) on the given server, dropped by `drop()`. */
export async function createScratchDatabase(serverUrl: string, label = 'bench'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${label}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  await admin.connect().catch((error: Error) => {
    throw new Error(`PostgreSQL is required at ${serverUrl}: ${error.message}`);
  });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A key prefix of its own (random, starting with `label`) on the given Redis, its keys deleted by `cleanup()`. */
export async function createScratchPrefix(redisUrl: string, label = 'bench'): Promise<{ prefix: string; cleanup: () => Promise<void> }> {
  const prefix = `${label}-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis is required at ${redisUrl}: ${(error as Error).message}`, { cause: error });
  }
  return {
    prefix,
    cleanup: async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}
