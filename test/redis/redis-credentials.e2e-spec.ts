import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis, { type Cluster } from 'ioredis';
import { redisKeys } from '@app/contract';
import { ConfigError } from '@app/platform';
import { startOrdersApi } from '../../apps/orders-api/src/orders-api.bootstrap';
import { assertDistFresh } from '../support/dist-fresh';
import { freePort } from '../support/free-port';
import { call, decodeJwt, login } from '../support/http';
import { PrivateRedisCluster } from '../support/private-redis-cluster';
import { PrivateRedisSentinel, SENTINEL_MASTER_NAME } from '../support/private-redis-sentinel';
import { RedisProcess } from '../support/redis-process';
import { makeTlsFiles, type TlsFiles } from '../support/redis-tls';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * Redis that requires a password or TLS, in every topology, through the same variables for every app: the fleet
 * works with the right settings and refuses to start, naming the variable, with a missing or wrong one.
 * Every Redis here is this file's own (free ports, temp dirs); the machine's only holds the run's scratch prefix.
 */
const root = join(__dirname, '..', '..');
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

/** Login, /me at both services, logout refused at both: returns the denied jti to look up in Redis. */
async function revocationRoundTrip(system: TestSystem): Promise<string> {
  const statuses = async (token: string) =>
    Promise.all([system.ordersUrl, system.billingUrl].map(async (url) => (await call('GET', `${url}/me`, { token })).status));
  const session = await login(system.issuerUrl, 'alice', 'alice-password');
  expect(await statuses(session.access_token)).toEqual([200, 200]);
  expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token })).status).toBe(204);
  expect(await statuses(session.access_token)).toEqual([401, 401]);
  return redisKeys(system.redisPrefix).deniedJti(decodeJwt(session.access_token).payload.jti as string);
}

/** What starting orders-api in this process on `env` throws, if anything. */
async function startRefusal(env: NodeJS.ProcessEnv): Promise<ConfigError | undefined> {
  const port = await freePort();
  try {
    const app = await startOrdersApi({ ISSUER_URL: 'http://127.0.0.1:1', REDIS_URL: '', PORT: String(port), ...env });
    await app.close();
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

describe('Redis Cluster with a password (REDIS_CLUSTER_NODES + REDIS_PASSWORD)', () => {
  const password = secret('cluster');
  let cluster: PrivateRedisCluster;

  beforeAll(async () => {
    cluster = await PrivateRedisCluster.start(3, () => ({ password }));
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('works with REDIS_PASSWORD: logins, revocation at both services, the denial in the cluster', async () => {
    const system = await startTestSystem({ REDIS_URL: '', REDIS_CLUSTER_NODES: cluster.nodes, REDIS_PASSWORD: password });
    let reader: Cluster | undefined;
    try {
      const denied = await revocationRoundTrip(system);
      reader = cluster.client();
      expect(await reader.get(denied)).toBe('1');
    } finally {
      reader?.disconnect();
      await system.stop();
    }
  });

  it.each([
    ['the issuer', ['dist/apps/auth-issuer/src/main.js']],
    ['the operator CLI', ['dist/apps/auth-issuer/src/cli/main.js', 'keys:list']],
  ])('%s refuses to start without it: exit 1, one line naming REDIS_PASSWORD', (_name, [entry, ...args]) => {
    assertDistFresh(root);
    const env = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PORT: '0',
      REDIS_CLUSTER_NODES: cluster.nodes,
    };
    const run = spawnSync(process.execPath, [join(root, entry), ...args], { env, encoding: 'utf8', timeout: 20_000, cwd: root });
    expect({ status: run.status, lines: run.stderr.trim().split('\n') }).toEqual({
      status: 1,
      lines: [expect.stringMatching(/^config error: REDIS_PASSWORD: refused by Redis: .*NOAUTH/)],
    });
  });

  it('a service refuses to start with a wrong one, and never prints it', async () => {
    const wrong = secret('wrong');
    const refusal = await startRefusal({ REDIS_CLUSTER_NODES: cluster.nodes, REDIS_PASSWORD: wrong });
    expect(refusal?.variable).toBe('REDIS_PASSWORD');
    expect(refusal?.message).toMatch(/WRONGPASS/);
    expect(refusal?.message).not.toContain(wrong);
  });
});

describe('Sentinel over TLS with passwords on the master and on the sentinels', () => {
  const dataPassword = secret('data');
  const sentinelPassword = secret('sentinel');
  let redis: PrivateRedisSentinel;
  let tls: TlsFiles;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    redis = await PrivateRedisSentinel.start(async (dir) => {
      tls = await makeTlsFiles(dir);
      return { data: { password: dataPassword, tls }, sentinel: { password: sentinelPassword, tls } };
    });
    env = {
      REDIS_URL: '',
      REDIS_SENTINELS: redis.sentinels,
      REDIS_SENTINEL_NAME: SENTINEL_MASTER_NAME,
      REDIS_PASSWORD: dataPassword,
      REDIS_SENTINEL_PASSWORD: sentinelPassword,
      REDIS_TLS: 'true',
      REDIS_TLS_CA: tls.ca,
    };
  }, 60_000);
  afterAll(() => redis?.stop());

  it('works with REDIS_PASSWORD, REDIS_SENTINEL_PASSWORD, REDIS_TLS and REDIS_TLS_CA: the denial lands on the master', async () => {
    const system = await startTestSystem(env);
    const master = new Redis(await redis.masterPort(), '127.0.0.1', { maxRetriesPerRequest: 1, ...redis.servers[0].clientOptions });
    try {
      const denied = await revocationRoundTrip(system);
      expect(await master.get(denied)).toBe('1');
    } finally {
      master.disconnect();
      await system.stop();
    }
  });

  it.each<[string, NodeJS.ProcessEnv, string, RegExp]>([
    ['without the sentinels’ password', { REDIS_SENTINEL_PASSWORD: '' }, 'REDIS_SENTINEL_PASSWORD', /NOAUTH|WRONGPASS/],
    ['with a wrong master password', { REDIS_PASSWORD: 'not-the-password' }, 'REDIS_PASSWORD', /WRONGPASS/],
    ['without REDIS_TLS_CA (the system CAs do not know this one)', { REDIS_TLS_CA: '' }, 'REDIS_TLS_CA', /certificate/i],
  ])('a service refuses to start %s, naming the variable', async (_label, change, variable, reason) => {
    const refusal = await startRefusal({ ...env, ...change });
    expect(refusal?.variable).toBe(variable);
    expect(refusal?.message).toMatch(reason);
    expect(refusal?.message).not.toContain(dataPassword);
    expect(refusal?.message).not.toContain(sentinelPassword);
  });
});

describe('one Redis over TLS (rediss:// + REDIS_TLS_CA) with REDIS_PASSWORD', () => {
  const password = secret('single');
  let dir: string;
  let server: RedisProcess;
  let url: string;
  let ca: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redis-tls-'));
    const tls = await makeTlsFiles(dir);
    ca = tls.ca;
    const port = await freePort();
    server = await RedisProcess.start(port, ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir], { password, tls });
    url = `rediss://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(async () => {
    await server?.kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('works, the denial in that Redis', async () => {
    const system = await startTestSystem({ REDIS_URL: url, REDIS_TLS_CA: ca, REDIS_PASSWORD: password });
    const reader = server.client();
    try {
      expect(await reader.get(await revocationRoundTrip(system))).toBe('1');
    } finally {
      reader.disconnect();
      await system.stop();
    }
  });

  // The URL exists only once beforeAll ran, so each case changes the working settings.
  it.each<[string, NodeJS.ProcessEnv, string]>([
    ['without the CA', { REDIS_TLS_CA: '' }, 'REDIS_TLS_CA'],
    ['without the password', { REDIS_PASSWORD: '' }, 'REDIS_URL'],
  ])('a service refuses to start %s', async (_label, change, variable) => {
    expect((await startRefusal({ REDIS_URL: url, REDIS_TLS_CA: ca, REDIS_PASSWORD: password, ...change }))?.variable).toBe(variable);
  });
});
