import type Redis from 'ioredis';
import { IssuerEvent, redisKeys } from '@app/contract';
import { FakeIssuer } from '../support/fake-issuer';
import { call } from '../support/http';
import { LocalKey } from '../support/local-jws';
import { GuardApp, startGuardApp } from './support/guard-app';
import { PrivateRedis } from '../support/private-redis';

const AUDIENCE = 'billing-api';
const PREFIX = 'push-test:';
/** Long enough that neither the unknown-kid refetch nor polling can explain what the tests see: only push can. */
const SLOW_MS = 120_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How long a test waits for a pushed change: generous (a loaded box is no failure), and far below SLOW_MS. */
const PUSH_WAIT_MS = 10_000;

/** Polls until `status` comes back; returns how long it took, or Infinity if it never did within `limitMs`. */
async function timeUntil(status: number, url: string, token: string, limitMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if ((await call('GET', url, { token })).status === status) return Date.now() - started;
    await sleep(5);
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * The issuer's pub/sub notices reaching a running guard, on a private redis-server this suite can stop.
 * The issuer side is played by the test: it publishes the message and changes the JWKS itself.
 */
describe('key events pushed to a running guard', () => {
  const keyA = LocalKey.generate('RS256', 'key-a');
  const keyB = LocalKey.generate('RS256', 'key-b');
  const keyC = LocalKey.generate('EdDSA', 'key-c');
  let redis: PrivateRedis;
  let publisher: Redis;
  let issuer: FakeIssuer;
  let app: GuardApp;
  const channel = redisKeys(PREFIX).events;
  const publish = (event: IssuerEvent) => publisher.publish(channel, JSON.stringify(event));
  const tokenOf = (key: LocalKey) => key.token({ iss: issuer.url, aud: AUDIENCE });

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    publisher = redis.client();
    publisher.on('error', () => undefined);
  });
  afterAll(async () => {
    publisher?.disconnect();
    await redis?.stop();
  });

  beforeEach(async () => {
    issuer = await FakeIssuer.start(keyA, keyB);
    app = await startGuardApp('fastify', {
      issuer: issuer.url,
      audience: AUDIENCE,
      redis: redis.url,
      redisPrefix: PREFIX,
      unknownKidCooldownMs: SLOW_MS,
      jwksRefreshIntervalMs: SLOW_MS,
    });
    // Start-up waits for the subscription.
    expect(app.events?.isSubscribed()).toBe(true);
    await app.keys.refreshNow(); // settle the start-up fetches (prewarm, then the resync after subscribing)
  });
  afterEach(async () => {
    await app?.close();
    await issuer?.stop();
  });

  it('an emergency key revoke reaches the guard by push, long before any refetch could', async () => {
    const revoked = tokenOf(keyA);
    expect((await call('GET', `${app.url}/me`, { token: revoked })).status).toBe(200);
    issuer.publish(keyB);
    await publish({ type: 'key-revoked', kid: keyA.kid });
    expect(await timeUntil(401, `${app.url}/me`, revoked, PUSH_WAIT_MS)).toBeLessThan(SLOW_MS);
    expect((await call('GET', `${app.url}/me`, { token: tokenOf(keyB) })).status).toBe(200);
    // The refetch the revoke triggered cannot bring the key back, even from a JWKS that still lists it.
    issuer.publish(keyA, keyB);
    await publish({ type: 'keys-changed' });
    await sleep(300);
    expect((await call('GET', `${app.url}/me`, { token: revoked })).status).toBe(401);
  });

  it('keys-changed makes a new key usable without waiting out the unknown-kid cooldown', async () => {
    const fresh = tokenOf(keyC);
    issuer.publish(keyA, keyB, keyC);
    // Within the cooldown an unknown kid is not fetched for: refused.
    expect((await call('GET', `${app.url}/me`, { token: fresh })).status).toBe(401);
    const fetches = issuer.jwksFetches;
    await publish({ type: 'keys-changed' });
    expect(await timeUntil(200, `${app.url}/me`, fresh, PUSH_WAIT_MS)).toBeLessThan(SLOW_MS);
    expect(issuer.jwksFetches - fetches).toBe(1);
  });

  it('resyncs after Redis comes back, so a revoke missed while disconnected still takes effect', async () => {
    const revoked = tokenOf(keyA);
    expect((await call('GET', `${app.url}/lenient`, { token: revoked })).status).toBe(200);
    await redis.stop();
    for (let i = 0; i < 100 && app.events?.isSubscribed(); i++) await sleep(20);
    expect(app.events?.isSubscribed()).toBe(false);
    // The issuer revokes key A while the guard cannot hear it: the message is lost.
    issuer.publish(keyB);
    await sleep(200);
    expect((await call('GET', `${app.url}/lenient`, { token: revoked })).status).toBe(200);
    await redis.resume();
    expect(await timeUntil(401, `${app.url}/me`, revoked, PUSH_WAIT_MS)).toBeLessThan(SLOW_MS);
    expect(app.events?.isSubscribed()).toBe(true);
    expect((await call('GET', `${app.url}/me`, { token: tokenOf(keyB) })).status).toBe(200);
  }, 30_000);
});
