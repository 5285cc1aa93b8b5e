import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertDistFresh } from '../support/dist-fresh';
import { freePort, freePortRun } from '../support/free-port';
import { call } from '../support/http';
import { createRedisPrefix, createTestDatabase, TEST_REDIS_URL, type TestDatabase } from '../support/test-stores';

/**
 * `npm start` runs three apps with one env: with METRICS_TOKEN and METRICS_PORT each app gets a metrics listener of
 * its own (the issuer METRICS_PORT, orders-api +1, billing-api +2), says where at start, and guards it with the token.
 * On the machine's PostgreSQL (a fresh database) and Redis (a fresh prefix), so nothing embedded starts.
 */
const ROOT = join(__dirname, '..', '..');
const METRICS_TOKEN = `mt-${randomBytes(16).toString('hex')}`;
const APPS = ['auth-issuer', 'orders-api', 'billing-api'];

describe('npm start with METRICS_TOKEN and METRICS_PORT', () => {
  let database: TestDatabase;
  let redis: { prefix: string; cleanup(): Promise<void> };
  let dir: string;
  let launcher: ChildProcess | undefined;
  let stdout = '';
  let metricsPort: number;
  let exited: Promise<number | null>;

  beforeAll(async () => {
    assertDistFresh(ROOT);
    database = await createTestDatabase();
    redis = await createRedisPrefix();
    dir = mkdtempSync(join(tmpdir(), 'start-metrics-'));
    metricsPort = await freePortRun(3);
    const env = {
      PATH: process.env.PATH,
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redis.prefix,
      DATA_DIR: join(dir, '.data'),
      ISSUER_PORT: String(await freePort()),
      ORDERS_API_PORT: String(await freePort()),
      BILLING_API_PORT: String(await freePort()),
      METRICS_TOKEN,
      METRICS_PORT: String(metricsPort),
    };
    const child = spawn(process.execPath, [join(ROOT, 'dist/scripts/start-all.js')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    launcher = child;
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    exited = new Promise((resolve) => child.once('exit', resolve));
    const started = await Promise.race([
      new Promise<boolean>((resolve) => child.stdout.on('data', () => /^redis: /m.test(stdout) && resolve(true))),
      exited.then(() => false),
    ]);
    if (!started) throw new Error(`npm start did not start: ${stderr.trim()}`);
  });

  afterAll(async () => {
    launcher?.kill('SIGKILL');
    await redis?.cleanup().catch(() => undefined);
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints each app’s metrics port: METRICS_PORT, +1, +2', () => {
    APPS.forEach((app, index) => expect(stdout).toMatch(new RegExp(`^${app} listening on .*; metrics on port ${metricsPort + index}$`, 'm')));
  });

  it.each(APPS.map((app, index) => [app, index] as const))('%s serves its own metrics there with the token, 401 without', async (app, index) => {
    const url = `http://127.0.0.1:${metricsPort + index}/metrics`;
    const scraped = await call('GET', url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.text).toMatch(new RegExp(`^process_cpu_user_seconds_total\\{app="${app}"\\} `, 'm'));
    const refused = await call('GET', url);
    expect({ status: refused.status, metrics: /process_cpu/.test(refused.text) }).toEqual({ status: 401, metrics: false });
  });

  it('stops on SIGTERM, every listener with it', async () => {
    launcher?.kill('SIGTERM');
    expect(await exited).toBe(0);
    launcher = undefined;
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });
});
