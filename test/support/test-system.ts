import { randomBytes } from 'node:crypto';
import type { RunningApp } from '@app/platform';
import { startIssuer } from '../../apps/auth-issuer/src/issuer.bootstrap';
import { startOrdersApi } from '../../apps/orders-api/src/orders-api.bootstrap';
import { startBillingApi } from '../../apps/billing-api/src/billing-api.bootstrap';
import { freePort } from './free-port';
import { createRedisPrefix, createTestDatabase, TEST_REDIS_URL } from './test-stores';

export interface TestSystem {
  issuerUrl: string;
  ordersUrl: string;
  billingUrl: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** The env the issuer was started with; reuse it to start more processes on the same stores. */
  issuerEnv: NodeJS.ProcessEnv;
  serviceEnv(port: number): NodeJS.ProcessEnv;
  /** Stops only the issuer (the services keep running), e.g. to show they survive its outage. */
  stopIssuer(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole product, in this process, on real PostgreSQL (a fresh database) and real Redis (a fresh prefix).
 * `env` overrides reach every app.
 */
export async function startTestSystem(
  env: NodeJS.ProcessEnv = {},
  { services = true, issuerDatabaseUrl = (url: string) => url }: { services?: boolean; issuerDatabaseUrl?: (url: string) => string } = {},
): Promise<TestSystem> {
  const database = await createTestDatabase();
  const redis = await createRedisPrefix();
  const [issuerPort, ordersPort, billingPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const issuerUrl = `http://127.0.0.1:${issuerPort}`;
  const common = {
    NODE_ENV: 'test',
    ISSUER_URL: issuerUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redis.prefix,
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    BILLING_API_URL: `http://127.0.0.1:${billingPort}`,
    ...env,
  };
  // issuerDatabaseUrl lets a fault test route the issuer through a proxy it can cut.
  const issuerEnv = { ...common, DATABASE_URL: issuerDatabaseUrl(database.url), PORT: String(issuerPort) };
  const serviceEnv = (port: number) => ({ ...common, PORT: String(port) });
  const apps: RunningApp[] = [];
  const stop = async () => {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await redis.cleanup().catch(() => undefined);
    await database.drop();
  };
  let issuer: RunningApp | undefined;
  try {
    apps.push((issuer = await startIssuer(issuerEnv)));
    if (services) {
      apps.push(await startOrdersApi(serviceEnv(ordersPort)));
      apps.push(await startBillingApi(serviceEnv(billingPort)));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    issuerUrl,
    ordersUrl: `http://127.0.0.1:${ordersPort}`,
    billingUrl: `http://127.0.0.1:${billingPort}`,
    databaseUrl: database.url,
    redisUrl: TEST_REDIS_URL,
    redisPrefix: redis.prefix,
    issuerEnv,
    serviceEnv,
    stopIssuer: async () => {
      const running = apps.indexOf(issuer);
      if (running >= 0) await apps.splice(running, 1)[0].close();
    },
    stop,
  };
}
