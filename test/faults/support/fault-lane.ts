import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort } from '../../support/free-port';
import { adminLogin, call, decodeJwt, login } from '../../support/http';
import { createRedisPrefix, createTestDatabase, TEST_DATABASE_URL, TEST_REDIS_URL } from '../../support/test-stores';
import { AppProcess } from './app-process';
import { readKeys, StoredKey } from './key-table';
import { StepProxy } from './step-proxy';

/** A token the issuer handed out, and the key that signed it. */
export interface IssuedToken {
  kid: string;
  token: string;
}

/**
 * One issuer process on a fresh database reached through a StepProxy, plus an orders-api process
 * trusting it (its guard fetches the JWKS and listens for key events as in production). The test kills
 * and restarts the issuer; the database, Redis prefix, port and key-encryption key stay.
 */
export class FaultLane {
  readonly tokens: IssuedToken[] = [];

  private constructor(
    /** KEY_ENCRYPTION_KEY of every issuer start on this lane. */
    readonly kek: Buffer,
    readonly issuer: AppProcess,
    readonly orders: AppProcess,
    readonly proxy: StepProxy,
    readonly pg: Client,
    private readonly cleanup: () => Promise<void>,
    /** A second issuer replica on the same stores (direct to PostgreSQL), serving orders-api its JWKS. */
    readonly replica?: AppProcess,
  ) {}

  static async start(env: Record<string, string> = {}, { replica = false } = {}): Promise<FaultLane> {
    const database = await createTestDatabase();
    const redis = await createRedisPrefix();
    const target = new URL(TEST_DATABASE_URL);
    const proxy = await StepProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(database.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const [issuerPort, ordersPort, replicaPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const issuerUrl = `http://127.0.0.1:${issuerPort}`;
    const replicaUrl = `http://127.0.0.1:${replicaPort}`;
    const kek = randomBytes(32);
    const common = { NODE_ENV: 'test', ISSUER_URL: issuerUrl, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redis.prefix };
    const issuerEnv = { ...common, KEY_ENCRYPTION_KEY: kek.toString('base64'), KEY_ROTATION_TICK: '1', ...env };
    const issuer = new AppProcess(issuerUrl, 'issuer', { ...issuerEnv, PORT: String(issuerPort), DATABASE_URL: viaProxy.toString() });
    const second = replica ? new AppProcess(replicaUrl, 'issuer', { ...issuerEnv, PORT: String(replicaPort), DATABASE_URL: database.url }) : undefined;
    const jwks = replica ? { JWKS_URL: `${replicaUrl}/.well-known/jwks.json` } : {};
    const orders = new AppProcess(`http://127.0.0.1:${ordersPort}`, 'orders', { ...common, PORT: String(ordersPort), ...jwks });
    const pg = new Client({ connectionString: database.url });
    const cleanup = async () => {
      await Promise.all([issuer.stop(), orders.stop(), second?.stop()]);
      await proxy.close().catch(() => undefined);
      await pg.end().catch(() => undefined);
      await redis.cleanup().catch(() => undefined);
      await database.drop();
    };
    try {
      await pg.connect();
      issuer.start();
      await issuer.ready();
      second?.start();
      await second?.ready();
      orders.start();
      await orders.ready();
    } catch (error) {
      await cleanup();
      throw error;
    }
    return new FaultLane(kek, issuer, orders, proxy, pg, cleanup, second);
  }

  keys(): Promise<StoredKey[]> {
    return readKeys(this.pg);
  }

  /** An admin-audience token: the only kind /admin/* accepts. */
  adminToken(): Promise<string> {
    return adminLogin(this.issuer.url);
  }

  /** A fresh user token, remembered with the kid that signed it. */
  async issueToken(): Promise<IssuedToken> {
    const { access_token } = await login(this.issuer.url, 'alice', 'alice-password');
    const issued = { kid: decodeJwt(access_token).header.kid as string, token: access_token };
    this.tokens.push(issued);
    return issued;
  }

  /** SIGKILL, then a fresh process on the same port and stores (with `env` changes); resolves with the restart time (ms). */
  async killAndRestart(env: Record<string, string> = {}): Promise<number> {
    await this.issuer.kill();
    const started = Date.now();
    this.issuer.start(env);
    await this.issuer.ready();
    return Date.now() - started;
  }

  async jwks(): Promise<{ keys: Record<string, string>[] }> {
    return (await call('GET', `${this.issuer.url}/.well-known/jwks.json`)).body;
  }

  async status(token: string): Promise<number> {
    return (await call('GET', `${this.orders.url}/me`, { token })).status;
  }

  stop(): Promise<void> {
    return this.cleanup();
  }
}
