import type { Cluster } from 'ioredis';
import { redisKeys } from '@app/contract';
import { RevocationSync } from '@app/auth-guard';
import { createRedisClient, type RedisClient } from '@app/platform';
import { adminLogin, call, decodeJwt, login } from '../support/http';
import { PrivateRedisCluster } from '../support/private-redis-cluster';
import { until } from '../support/redis-process';
import { startTestSystem, TestSystem } from '../support/test-system';

/** Far below the services' 60 s JWKS refresh: only the pushed key event explains a refusal this fast. */
const PUSH_WAIT_MS = 15_000;

/** Every key under `pattern`, from every master: SCAN on a cluster client would see one node only. */
async function scanAll(cluster: Cluster, pattern: string): Promise<string[]> {
  const found: string[] = [];
  for (const node of cluster.nodes('master')) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  return found;
}

type Claims = { jti: string; sub: string; iat: number; sid: string };

/** The master that owns `channel`'s slot: sharded pub/sub lives there only. */
async function ownerPort(cluster: Cluster, channel: string): Promise<number> {
  const slot = await cluster.cluster('KEYSLOT', channel);
  const range = (await cluster.cluster('SLOTS')).find(([first, last]) => slot >= first && slot <= last);
  return Number(range?.[2][1]);
}

/**
 * The whole product on a real Redis Cluster (three masters started by this test on free ports):
 * logins, revocation seen by the services, the throttle's counters, and key events pushed to the guards.
 */
describe('on a Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  let cluster: PrivateRedisCluster;
  let system: TestSystem;
  let reader: Cluster;
  /** A guard's revocation replica in this process, on the cluster: what it holds is observable directly. */
  let sync: RevocationSync;
  let syncReader: RedisClient;

  beforeAll(async () => {
    cluster = await PrivateRedisCluster.start();
    // REDIS_URL emptied: the machine's Redis is not this system's store, and only one topology may be named.
    system = await startTestSystem({ REDIS_URL: '', REDIS_CLUSTER_NODES: cluster.nodes, LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_FAILURE_WINDOW: '600' });
    reader = cluster.client();
    const topology = { kind: 'cluster' as const, nodes: cluster.masters.map((m) => ({ host: '127.0.0.1', port: m.port })) };
    syncReader = createRedisClient(topology);
    syncReader.on('error', () => undefined);
    sync = new RevocationSync(syncReader, createRedisClient(topology, { autoResubscribe: false }), {
      prefix: system.redisPrefix,
      requireSeed: false,
      retryMs: 100,
    });
    await sync.start(15_000);
  }, 60_000);
  afterAll(async () => {
    sync?.stop();
    syncReader?.disconnect();
    reader?.disconnect();
    await system?.stop();
    await cluster?.stop();
  });

  const statuses = async (token: string) =>
    Promise.all([system.ordersUrl, system.billingUrl].map(async (url) => (await call('GET', `${url}/me`, { token })).status));

  it('login, /me at both services, logout: refused at both services at once, the denial in the cluster', async () => {
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    expect(await statuses(session.access_token)).toEqual([200, 200]);
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token })).status).toBe(204);
    expect(await statuses(session.access_token)).toEqual([401, 401]);
    const { jti, sid } = decodeJwt(session.access_token).payload as { jti: string; sid: string };
    const keys = redisKeys(system.redisPrefix);
    expect(await reader.get(keys.deniedJti(jti))).toBe('1');
    expect(await reader.get(keys.endedSession(sid))).toBe('1');
    expect(await reader.get(keys.revocationSeeded)).not.toBeNull();
  });

  it('keeps the revocation keys in one slot, which a scan of every master finds', async () => {
    const slots = new Set(
      await Promise.all(
        [redisKeys(system.redisPrefix).deniedJti('x'), redisKeys(system.redisPrefix).revocationSeeded].map((key) => reader.cluster('KEYSLOT', key)),
      ),
    );
    expect(slots.size).toBe(1);
    const revocationKeys = await scanAll(reader, `${system.redisPrefix}*`);
    expect(revocationKeys.length).toBeGreaterThan(0);
  });

  it('counts failed logins in the cluster: past the limit the account gets 429', async () => {
    for (let i = 0; i < 3; i++)
      expect((await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'mallory', password: `guess-${i}` } })).status).toBe(401);
    const locked = await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'mallory', password: 'guess' } });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    // In Redis (shared by every issuer replica), not in the in-memory insurance limiter.
    expect(await scanAll(reader, `${system.redisPrefix}login-fail:*`)).not.toHaveLength(0);
  });

  it('an emergency key revoke reaches the services through the cluster by push', async () => {
    const admin = await adminLogin(system.issuerUrl);
    const victim = await login(system.issuerUrl, 'alice', 'alice-password');
    expect(await statuses(victim.access_token)).toEqual([200, 200]);
    const kid = decodeJwt(victim.access_token).header.kid as string;
    expect((await call('POST', `${system.issuerUrl}/admin/keys/${kid}/revoke`, { token: admin })).status).toBe(200);
    await until('services refusing tokens of the revoked key', async () => (await statuses(victim.access_token)).every((s) => s === 401), PUSH_WAIT_MS);
    const fresh = await login(system.issuerUrl, 'alice', 'alice-password');
    expect(decodeJwt(fresh.access_token).header.kid).not.toBe(kid);
    expect(await statuses(fresh.access_token)).toEqual([200, 200]);
  });

  it('carries events over sharded pub/sub: subscribers on the master of the channel slot only, none on classic channels', async () => {
    const keys = redisKeys(system.redisPrefix);
    const owner = await ownerPort(reader, keys.shardedEvents);
    expect(await reader.cluster('KEYSLOT', keys.shardedEvents)).toBe(await reader.cluster('KEYSLOT', keys.deniedJti('x')));
    for (const master of cluster.masters) {
      const [, sharded] = (await master.command('PUBSUB', 'SHARDNUMSUB', keys.shardedEvents)) as [string, number];
      const classic = (await master.command('PUBSUB', 'NUMSUB', keys.events, keys.shardedEvents)) as [string, number, string, number];
      // The issuer's key listener, the two services' guards (replica and key events each) and this test's replica.
      if (master.port === owner) expect(sharded).toBeGreaterThanOrEqual(6);
      else expect(sharded).toBe(0);
      expect([classic[1], classic[3]]).toEqual([0, 0]);
    }
  });

  it('a logout through the issuer reaches a guard replica by its event while the replica stays current', async () => {
    expect(sync.isCurrent()).toBe(true);
    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const claims = decodeJwt(session.access_token).payload as Claims;
    expect(sync.verdict(claims)).toBeNull();
    const loads = sync.loads;
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token })).status).toBe(204);
    // A verdict at all means the replica answered (undefined would send the guard to Redis); no reload: the event did it.
    await until('replica refusing the logged-out token', async () => sync.verdict(claims) !== null, PUSH_WAIT_MS);
    expect(sync.verdict(claims)).toMatch(/denied|ended/);
    expect(sync.isCurrent()).toBe(true);
    expect(sync.loads).toBe(loads);
  });

  it('keeps events arriving after the master owning the channel slot is killed and restarted (resubscribe, then resync)', async () => {
    const keys = redisKeys(system.redisPrefix);
    const port = await ownerPort(reader, keys.shardedEvents);
    const master = cluster.masters.find((m) => m.port === port);
    if (!master) throw new Error(`no master of this test on port ${port}`);
    const loads = sync.loads;
    await master.kill();
    await until('replica stale while the channel slot has no master', async () => !sync.isCurrent(), PUSH_WAIT_MS);
    await master.resume();
    await until('replica current again', async () => sync.isCurrent(), 30_000);
    expect(sync.loads).toBeGreaterThan(loads);
    await until(
      'services answering again',
      async () => {
        const session = await login(system.issuerUrl, 'alice', 'alice-password');
        return (await statuses(session.access_token)).every((s) => s === 200);
      },
      30_000,
    );

    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const claims = decodeJwt(session.access_token).payload as Claims;
    const after = sync.loads;
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token })).status).toBe(204);
    await until('replica refusing a token logged out after the restart', async () => sync.verdict(claims) !== null, PUSH_WAIT_MS);
    expect(sync.loads).toBe(after);
    expect(await statuses(session.access_token)).toEqual([401, 401]);
  }, 90_000);

  it('follows the channel when its slot migrates to another master (the server drops the subscription)', async () => {
    const keys = redisKeys(system.redisPrefix);
    const slot = String(await reader.cluster('KEYSLOT', keys.shardedEvents));
    const from = await ownerPort(reader, keys.shardedEvents);
    const source = cluster.masters.find((m) => m.port === from);
    const target = cluster.masters.find((m) => m.port !== from);
    if (!source || !target) throw new Error('cluster without two masters');
    const [sourceId, targetId] = await Promise.all([source.command('CLUSTER', 'MYID'), target.command('CLUSTER', 'MYID')]);
    const loads = sync.loads;
    await target.command('CLUSTER', 'SETSLOT', slot, 'IMPORTING', String(sourceId));
    await source.command('CLUSTER', 'SETSLOT', slot, 'MIGRATING', String(targetId));
    for (;;) {
      const moving = (await source.command('CLUSTER', 'GETKEYSINSLOT', slot, '1000')) as string[];
      if (moving.length === 0) break;
      await source.command('MIGRATE', '127.0.0.1', String(target.port), '', '0', '5000', 'KEYS', ...moving);
    }
    for (const master of [target, source, ...cluster.masters.filter((m) => m !== source && m !== target)])
      await master.command('CLUSTER', 'SETSLOT', slot, 'NODE', String(targetId));

    await until(
      'subscribers on the new master',
      async () => {
        const [, count] = (await target.command('PUBSUB', 'SHARDNUMSUB', keys.shardedEvents)) as [string, number];
        return count >= 6;
      },
      30_000,
    );
    expect(((await source.command('PUBSUB', 'SHARDNUMSUB', keys.shardedEvents)) as [string, number])[1]).toBe(0);
    await until('replica current after a resync', async () => sync.isCurrent() && sync.loads > loads, PUSH_WAIT_MS);

    const session = await login(system.issuerUrl, 'alice', 'alice-password');
    const claims = decodeJwt(session.access_token).payload as Claims;
    const after = sync.loads;
    expect((await call('POST', `${system.issuerUrl}/auth/logout`, { token: session.access_token })).status).toBe(204);
    await until('replica refusing a token logged out after the migration', async () => sync.verdict(claims) !== null, PUSH_WAIT_MS);
    expect(sync.loads).toBe(after);
  }, 60_000);
});
