import { createScratchDatabase, createScratchPrefix } from '../../bench/support/scratch-stores';

/** The machine's PostgreSQL and Redis; CI exports these, and a developer's defaults match. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A database of its own for this run (random name), dropped afterwards. Fails loudly when PostgreSQL is absent. */
export function createTestDatabase(): Promise<TestDatabase> {
  return createScratchDatabase(TEST_DATABASE_URL, 'test');
}

/** A key prefix of its own for this run; keys under it are deleted afterwards. Fails loudly when Redis is absent. */
export function createRedisPrefix(): Promise<{ prefix: string; cleanup: () => Promise<void> }> {
  return createScratchPrefix(TEST_REDIS_URL, 'test');
}
