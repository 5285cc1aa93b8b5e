import Redis, { RedisOptions } from 'ioredis';

/**
 * `memory://` selects an in-process store shared by every client in this process:
 * the zero-install fallback when all apps run in one process and no redis-server exists.
 * It is not durable and not shared across processes; production needs a real Redis.
 */
export const IN_PROCESS_REDIS_URL = 'memory://local';

const failFast: RedisOptions = {
  // Fail commands quickly while disconnected so guards can answer 503 instead of hanging.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  commandTimeout: 1500,
  retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
};

export function createRedisClient(url: string, overrides: RedisOptions = {}): Redis {
  if (url.startsWith('memory://')) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const RedisMock = require('ioredis-mock') as typeof Redis;
    return new RedisMock({ host: 'in-process', port: 1, ...overrides, lazyConnect: false });
  }
  return new Redis(url, { ...failFast, ...overrides });
}

/** A connection string without its password, safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable url)';
  }
}
