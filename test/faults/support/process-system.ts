import { randomBytes } from 'node:crypto';
import { freePort } from '../../support/free-port';
import { createTestDatabase } from '../../support/test-stores';
import { AppProcess } from './app-process';

export interface ProcessSystemOptions {
  redisUrl: string;
  /** Extra env for every app. */
  env?: Record<string, string>;
  /** Extra env for orders-api / billing-api only (say a JWKS_URL through a test front). */
  orders?: Record<string, string>;
  billing?: Record<string, string>;
  /** The issuer's port, when the test needs its URL before the start; a free one otherwise. */
  issuerPort?: number;
  /** Where the issuer reaches the fresh database (say through a proxy the test controls). */
  issuerDatabaseUrl?: (url: string) => string;
  /** Where the issuer reaches Redis; the services use `redisUrl`. */
  issuerRedisUrl?: string;
}

/**
 * The product as it is deployed: the issuer, orders-api and billing-api as three `node dist/...`
 * processes on a fresh PostgreSQL database and the given Redis (a fresh key prefix).
 */
export class ProcessSystem {
  private constructor(
    readonly databaseUrl: string,
    readonly issuer: AppProcess,
    readonly orders: AppProcess,
    readonly billing: AppProcess,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  get services(): AppProcess[] {
    return [this.orders, this.billing];
  }

  static async start(options: ProcessSystemOptions): Promise<ProcessSystem> {
    const { redisUrl, env = {}, issuerDatabaseUrl = (url: string) => url, issuerRedisUrl = redisUrl } = options;
    const database = await createTestDatabase();
    const [issuerPort, ordersPort, billingPort] = await Promise.all([options.issuerPort ?? freePort(), freePort(), freePort()]);
    const issuerUrl = `http://127.0.0.1:${issuerPort}`;
    const common = {
      NODE_ENV: 'test',
      ISSUER_URL: issuerUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: `test-${randomBytes(6).toString('hex')}:`,
      BILLING_API_URL: `http://127.0.0.1:${billingPort}`,
      ...env,
    };
    const issuer = new AppProcess(issuerUrl, 'issuer', {
      ...common,
      PORT: String(issuerPort),
      DATABASE_URL: issuerDatabaseUrl(database.url),
      REDIS_URL: issuerRedisUrl,
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    const orders = new AppProcess(`http://127.0.0.1:${ordersPort}`, 'orders', { ...common, ...options.orders, PORT: String(ordersPort) });
    const billing = new AppProcess(`http://127.0.0.1:${billingPort}`, 'billing', { ...common, ...options.billing, PORT: String(billingPort) });
    const system = new ProcessSystem(database.url, issuer, orders, billing, () => database.drop());
    try {
      issuer.start();
      await issuer.ready();
      orders.start();
      billing.start();
      await Promise.all([orders.ready(), billing.ready()]);
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  async stop(): Promise<void> {
    await Promise.all([this.issuer.stop(), this.orders.stop(), this.billing.stop()]);
    await this.dropDatabase();
  }
}
