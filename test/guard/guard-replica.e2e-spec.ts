import Redis from 'ioredis';
import { encodeIssuerEvent, redisKeys } from '@app/contract';
import { RevocationSync } from '@app/auth-guard';
import { FakeIssuer } from '../support/fake-issuer';
import { call } from '../support/http';
import { LocalKey } from '../support/local-jws';
import { TcpProxy } from '../support/tcp-proxy';
import { createRedisPrefix, TEST_REDIS_URL } from '../support/test-stores';
import { startGuardApp, GuardApp } from './support/guard-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const claims = (jti: string) => ({ jti, sub: 'alice', iat: Math.floor(Date.now() / 1000) });
/** Every client made here, so afterAll closes the ones the sync does not own (its reader). */
const clients: Redis[] = [];
const client = (url: string) => {
  const made = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 100 }).on('error', () => undefined);
  clients.push(made);
  return made;
};
const until = async (check: () => boolean | Promise<boolean>, what: string) => {
  for (let i = 0; i < 200; i++)
    if (await check()) return;
    else await sleep(25);
  throw new Error(`never: ${what}`);
};

/** The guard's in-memory denylist against the machine's Redis, behind a proxy the test cuts and restores. */
describe('revocation replica', () => {
  const upstream = new URL(TEST_REDIS_URL);
  let scratch: Awaited<ReturnType<typeof createRedisPrefix>>;
  let keys: ReturnType<typeof redisKeys>;
  let writer: Redis;
  let proxy: TcpProxy;
  let sync: RevocationSync;
  const revoke = async (jti: string, ttl = 60) => {
    // The issuer's order: store first, then the event.
    await writer.setex(keys.deniedJti(jti), ttl, '1');
    await writer.publish(keys.events, encodeIssuerEvent({ type: 'token-denied', jti }));
  };

  beforeAll(async () => {
    scratch = await createRedisPrefix();
    keys = redisKeys(scratch.prefix);
    writer = new Redis(TEST_REDIS_URL);
    proxy = await TcpProxy.start({ host: upstream.hostname, port: Number(upstream.port || 6379) });
  });
  afterAll(async () => {
    sync?.stop();
    for (const made of clients) made.disconnect();
    writer?.disconnect();
    await proxy?.close();
    await scratch?.cleanup();
  });

  it('loads what is already revoked, answers only once current, then follows events', async () => {
    await writer.setex(keys.deniedJti('before-start'), 60, '1');
    const url = `redis://127.0.0.1:${proxy.port}`;
    sync = new RevocationSync(client(url), client(url), { prefix: scratch.prefix, requireSeed: false, retryMs: 100 });
    // Not current yet: no verdict, the caller asks Redis per request.
    expect(sync.verdict(claims('before-start'))).toBeUndefined();
    await sync.start(5000);
    expect(sync.isCurrent()).toBe(true);
    expect(sync.verdict(claims('before-start'))).toBe('jti denied');
    expect(sync.verdict(claims('never-revoked'))).toBeNull();

    await revoke('by-event');
    await until(() => sync.verdict(claims('by-event')) === 'jti denied', 'event applied');
  });

  it('drops entries when their TTL passes', async () => {
    await revoke('short-lived', 1);
    await until(() => sync.verdict(claims('short-lived')) === 'jti denied', 'event applied');
    // TTL (1 s) plus the replica's margin (1 s): then the entry is gone, as it is from Redis.
    await until(() => sync.verdict(claims('short-lived')) === null, 'entry expired');
  });

  it('goes non-current when the connection dies, and catches up on what it missed after it is back', async () => {
    const loads = sync.loads;
    await proxy.cut();
    await until(() => !sync.isCurrent(), 'stale after the cut');
    expect(sync.verdict(claims('during-outage'))).toBeUndefined();
    await revoke('during-outage'); // its event is lost: nobody listens through the proxy
    await proxy.restore();
    await until(() => sync.isCurrent(), 'current again');
    expect(sync.loads).toBeGreaterThan(loads);
    expect(sync.verdict(claims('during-outage'))).toBe('jti denied');
    expect(sync.verdict(claims('before-start'))).toBe('jti denied');
  }, 15_000);
});

/** Over HTTP: logout (a revocation) while the guard's Redis connections are cut, under steady traffic. */
describe.each(['fastify', 'express'] as const)('a guard on %s whose event connection is killed and restored', (adapter) => {
  const upstream = new URL(TEST_REDIS_URL);
  const key = LocalKey.generate('ES256');
  let scratch: Awaited<ReturnType<typeof createRedisPrefix>>;
  let writer: Redis;
  let proxy: TcpProxy;
  let issuer: FakeIssuer;
  let app: GuardApp;

  beforeAll(async () => {
    scratch = await createRedisPrefix();
    writer = new Redis(TEST_REDIS_URL);
    proxy = await TcpProxy.start({ host: upstream.hostname, port: Number(upstream.port || 6379) });
    issuer = await FakeIssuer.start(key);
    app = await startGuardApp(adapter, { issuer: issuer.url, audience: 'orders-api', redis: `redis://127.0.0.1:${proxy.port}`, redisPrefix: scratch.prefix });
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
    writer?.disconnect();
    await proxy?.close();
    await scratch?.cleanup();
  });

  it('never accepts the token revoked meanwhile: 503 while it cannot tell, 401 once caught up', async () => {
    const keys = redisKeys(scratch.prefix);
    const token = key.token({ iss: issuer.url, aud: 'orders-api' }, { jti: `cut-${adapter}` });
    expect((await call('GET', `${app.url}/me`, { token })).status).toBe(200);
    const seen: number[] = [];
    let revoked = false;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        // Only requests sent after the revocation count: one already in flight may still see the old state.
        const after = revoked;
        const status = (await call('GET', `${app.url}/me`, { token })).status;
        if (after) seen.push(status);
      }
    })();
    await sleep(100);
    await proxy.cut();
    await writer.setex(keys.deniedJti(`cut-${adapter}`), 60, '1');
    revoked = true;
    await writer.publish(keys.events, encodeIssuerEvent({ type: 'token-denied', jti: `cut-${adapter}` })); // lost
    await sleep(300);
    await proxy.restore();
    await until(() => seen.at(-1) === 401, 'refused after the restore');
    await sleep(200);
    stop = true;
    await load;
    expect(seen).not.toContain(200);
    expect(seen).toContain(503);
    expect(seen.at(-1)).toBe(401);
  }, 20_000);
});
