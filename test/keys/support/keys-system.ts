import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { AuthGuardModule, AuthGuardOptions } from '@app/auth-guard';
import { createHttpApp, listen, RunningApp } from '@app/platform';
import { GuardHealthController, IdentityController } from '@app/service-kit';
import { startIssuer } from '../../../apps/auth-issuer/src/issuer.bootstrap';
import { freePort } from '../../support/free-port';
import { adminLogin, call } from '../../support/http';
import { createRedisPrefix, createTestDatabase, TEST_REDIS_URL } from '../../support/test-stores';
import { JwksCounter } from './jwks-counter';
import { TestClock } from './test-clock';
import type { KeyListing } from '../../../apps/auth-issuer/src/keys/http/key-listing';

export const SERVICE_NAMES = ['orders-api', 'billing-api'] as const;

export interface KeysSystemOptions {
  /** Issuer env on top of the defaults (KEY_ROTATION_TICK=1). */
  env?: Record<string, string>;
  /** Guard options of both resource services, on top of the test clock and the counting JWKS proxy. */
  guard?: Partial<AuthGuardOptions>;
}

export interface KeysSystem {
  issuerUrl: string;
  serviceUrls: string[];
  clock: TestClock;
  jwks: JwksCounter;
  databaseUrl: string;
  issuerEnv: Record<string, string>;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  adminToken(): Promise<string>;
  /** Stops the issuer and starts it again on the same database, port and clock (a restart or a redeploy). */
  restartIssuer(env?: Record<string, string>, whileDown?: () => void | Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The issuer in this process with a test clock, and two resource services whose guards read that clock
 * and fetch the JWKS through a counting proxy. Real PostgreSQL (fresh database) and Redis (fresh prefix).
 */
export async function startKeysSystem(options: KeysSystemOptions = {}): Promise<KeysSystem> {
  const database = await createTestDatabase();
  const redis = await createRedisPrefix();
  const clock = new TestClock();
  const issuerPort = await freePort();
  const issuerUrl = `http://127.0.0.1:${issuerPort}`;
  let issuerEnv: Record<string, string> = {
    NODE_ENV: 'test',
    ISSUER_URL: issuerUrl,
    PORT: String(issuerPort),
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redis.prefix,
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    KEY_ROTATION_TICK: '1',
    ...options.env,
  };
  const jwks = new JwksCounter(issuerUrl);
  const pg = new Client({ connectionString: database.url });
  let issuer: RunningApp | undefined;
  const services: NestFastifyApplication[] = [];
  const stop = async () => {
    for (const app of services) await app.close().catch(() => undefined);
    await issuer?.close().catch(() => undefined);
    await jwks.stop();
    await pg.end().catch(() => undefined);
    await redis.cleanup().catch(() => undefined);
    await database.drop();
  };
  const serviceUrls: string[] = [];
  try {
    issuer = await startIssuer(issuerEnv, { clock });
    await jwks.start();
    await pg.connect();
    for (const name of SERVICE_NAMES) {
      const guard = AuthGuardModule.forRoot({
        issuer: issuerUrl,
        audience: name,
        jwksUrl: jwks.jwksUrl(name),
        redis: TEST_REDIS_URL,
        redisPrefix: redis.prefix,
        now: () => clock.nowMs(),
        ...options.guard,
      });
      const app = await createHttpApp({ module: class KeysTestServiceModule {}, imports: [guard], controllers: [GuardHealthController, IdentityController] });
      services.push(app);
      serviceUrls.push(await listen(app, 0));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    issuerUrl,
    serviceUrls,
    clock,
    jwks,
    databaseUrl: database.url,
    get issuerEnv() {
      return issuerEnv;
    },
    sql: async (text, params) => (await pg.query(text, params)).rows,
    adminToken: () => adminLogin(issuerUrl),
    restartIssuer: async (env = {}, whileDown) => {
      await issuer?.close();
      issuer = undefined;
      await whileDown?.();
      issuerEnv = { ...issuerEnv, ...env };
      issuer = await startIssuer(issuerEnv, { clock });
    },
    stop,
  };
}

/** Polls until `check` holds (the behaviour under test is asynchronous by design), failing after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function jwksKids(issuerUrl: string): Promise<string[]> {
  return (await call('GET', `${issuerUrl}/.well-known/jwks.json`)).body.keys.map((k: { kid: string }) => k.kid);
}

/** A row of GET /admin/keys: the issuer's own listing shape. */
export type KeyRow = KeyListing;

/** GET /admin/keys as the admin. */
export async function adminKeys(system: KeysSystem, token?: string): Promise<KeyRow[]> {
  const response = await call('GET', `${system.issuerUrl}/admin/keys`, { token: token ?? (await system.adminToken()) });
  if (response.status !== 200) throw new Error(`GET /admin/keys -> ${response.status}`);
  return response.body.keys;
}

export const byState = (rows: KeyRow[], state: string) => rows.filter((row) => row.state === state);
