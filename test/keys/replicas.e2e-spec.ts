import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort } from '../support/free-port';
import { adminLogin, call, decodeJwt, login } from '../support/http';
import { createRedisPrefix, createTestDatabase, TEST_REDIS_URL, TestDatabase } from '../support/test-stores';
import { eventually } from './support/keys-system';
import { AppProcess } from '../faults/support/app-process';

jest.setTimeout(90_000);

interface Replicas {
  a: AppProcess;
  b: AppProcess;
  sql<T = Record<string, unknown>>(text: string): Promise<T[]>;
  stop(): Promise<void>;
}

/** Two real issuer processes on one database and Redis prefix, started at the same moment, behind one issuer URL. */
async function startReplicas(env: Record<string, string>): Promise<Replicas> {
  const database: TestDatabase = await createTestDatabase();
  const redis = await createRedisPrefix();
  const [portA, portB] = await Promise.all([freePort(), freePort()]);
  const common = {
    NODE_ENV: 'test',
    ISSUER_URL: `http://127.0.0.1:${portA}`, // one issuer identity; B is a replica behind the same name
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redis.prefix,
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...env,
  };
  const a = new AppProcess(`http://127.0.0.1:${portA}`, 'issuer', { ...common, PORT: String(portA) });
  const b = new AppProcess(`http://127.0.0.1:${portB}`, 'issuer', { ...common, PORT: String(portB) });
  const pg = new Client({ connectionString: database.url });
  const stop = async () => {
    await Promise.all([a.stop(), b.stop()]);
    await pg.end().catch(() => undefined);
    await redis.cleanup().catch(() => undefined);
    await database.drop();
  };
  try {
    a.start();
    b.start();
    await Promise.all([a.ready(), b.ready()]);
    await pg.connect();
  } catch (error) {
    await stop();
    throw error;
  }
  return { a, b, sql: async (text) => (await pg.query(text)).rows, stop };
}

const kidOf = async (issuer: AppProcess) => decodeJwt((await login(issuer.url, 'alice', 'alice-password')).access_token).header.kid as string;
const etagOf = async (issuer: AppProcess) => (await call('GET', `${issuer.url}/.well-known/jwks.json`)).headers.get('etag');

describe('two issuer processes on one database', () => {
  let replicas: Replicas;
  // The documented lag bound between replicas is the reload interval (2 s here); Redis events make it far shorter.
  beforeAll(async () => {
    replicas = await startReplicas({ KEY_RELOAD_INTERVAL: '2' });
  });
  afterAll(() => replicas?.stop());

  const activeKids = async () => (await replicas.sql<{ kid: string }>(`SELECT kid FROM signing_keys WHERE state = 'active'`)).map((r) => r.kid);

  it('starting together, they create one active key and one next key between them', async () => {
    const rows = await replicas.sql<{ state: string }>('SELECT state FROM signing_keys ORDER BY state');
    expect(rows.map((r) => r.state)).toEqual(['active', 'pending']);
    expect(await replicas.sql(`SELECT id FROM audit_events WHERE type = 'key_generated'`)).toHaveLength(2);
    expect(await kidOf(replicas.a)).toBe(await kidOf(replicas.b));
  });

  it('racing rotations on both end with exactly one active key, and both sign with it', async () => {
    const admin = await adminLogin(replicas.a.url);
    const rotate = (issuer: AppProcess) => call('POST', `${issuer.url}/admin/keys/rotate`, { token: admin });
    const results = await Promise.all([replicas.a, replicas.b, replicas.a, replicas.b, replicas.a, replicas.b].map(rotate));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(results.map((r) => r.body.kid)).size).toBe(6); // serialized: each promoted a different key
    const [active] = await activeKids();
    expect(await activeKids()).toHaveLength(1);
    expect(results.map((r) => r.body.kid)).toContain(active);

    const started = Date.now();
    await eventually(
      async () => (await kidOf(replicas.a)) === active && (await kidOf(replicas.b)) === active,
      4000,
      'both replicas signing with the active key',
    );
    expect(await etagOf(replicas.a)).toBe(await etagOf(replicas.b));
    console.log(`replicas converged on the new active key in ${Date.now() - started} ms (bound: KEY_RELOAD_INTERVAL=2 s)`);
  });

  it('never logs private key material', () => {
    for (const output of [replicas.a.output, replicas.b.output]) expect(output).not.toMatch(/PRIVATE KEY|"d":/);
  });
});

describe('two issuer processes rotating on a short schedule', () => {
  let replicas: Replicas;
  beforeAll(async () => {
    replicas = await startReplicas({
      JWKS_MAX_AGE: '1',
      KEY_RELOAD_INTERVAL: '1',
      KEY_PUBLISH_LEAD_TIME: '2',
      KEY_ROTATION_INTERVAL: '2',
      KEY_ROTATION_TICK: '1',
    });
  });
  afterAll(() => replicas?.stop());

  it('both schedulers tick every second, yet each rotation happens once, a full interval after the last', async () => {
    await new Promise((resolve) => setTimeout(resolve, 7000));
    const rows = await replicas.sql<{ kid: string; activated_at: Date }>(
      `SELECT kid, activated_at FROM signing_keys WHERE activated_at IS NOT NULL ORDER BY activated_at`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const gaps = rows.slice(1).map((row, i) => row.activated_at.getTime() - rows[i].activated_at.getTime());
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(2000);
    const activations = await replicas.sql(`SELECT id FROM audit_events WHERE type = 'key_activated'`);
    expect(activations).toHaveLength(rows.length);
    expect(await replicas.sql(`SELECT kid FROM signing_keys WHERE state = 'active'`)).toHaveLength(1);
    expect(await replicas.sql(`SELECT kid FROM signing_keys WHERE state = 'pending'`)).toHaveLength(1);
  });
});
