import type Redis from 'ioredis';
import { encodeIssuerEvent, redisKeys } from '@app/contract';
import { FakeIssuer } from '../support/fake-issuer';
import { call } from '../support/http';
import { LocalKey } from '../support/local-jws';
import { Adapter, GuardApp, startGuardApp } from './support/guard-app';
import { PrivateRedis } from '../support/private-redis';

const AUDIENCE = 'orders-api';
const PREFIX = 'revocation-test:';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Revocation checks on every request against a private redis-server that the test kills mid-way:
 * fail closed (503 + Retry-After) by default, fail open only where a route says @RevocationFailOpen().
 */
describe.each<Adapter>(['fastify', 'express'])('revocation checks on %s with Redis stopped mid-test', (adapter) => {
  const key = LocalKey.generate('ES256');
  const keys = redisKeys(PREFIX);
  let redis: PrivateRedis;
  let client: Redis;
  let issuer: FakeIssuer;
  let app: GuardApp;
  const token = (claims: Record<string, unknown> = {}) => key.token({ iss: issuer.url, aud: AUDIENCE }, claims);

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    client = redis.client();
    client.on('error', () => undefined);
    issuer = await FakeIssuer.start(key);
    app = await startGuardApp(adapter, { issuer: issuer.url, audience: AUDIENCE, redis: redis.url, redisPrefix: PREFIX, retryAfterSeconds: 7 });
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
    client?.disconnect();
    await redis?.stop();
  });

  it('checks the denylist and the cut-off on every request', async () => {
    const denied = token({ jti: 'denied-jti' });
    expect((await call('GET', `${app.url}/me`, { token: denied })).status).toBe(200);
    await client.setex(keys.deniedJti('denied-jti'), 60, '1');
    // As the issuer does: write the store, then tell every guard (whose replica answers without Redis).
    await client.publish(keys.events, encodeIssuerEvent({ type: 'token-denied', jti: 'denied-jti' }));
    expect((await call('GET', `${app.url}/me`, { token: denied })).status).toBe(401);
    // Refused on fail-open routes too: the store answered, and it said revoked.
    expect((await call('GET', `${app.url}/lenient`, { token: denied })).status).toBe(401);

    const now = Math.floor(Date.now() / 1000);
    await client.setex(keys.subjectCutoff('user-9'), 60, String(now));
    await client.publish(keys.events, encodeIssuerEvent({ type: 'subject-cutoff', sub: 'user-9', at: now }));
    expect((await call('GET', `${app.url}/me`, { token: token({ sub: 'user-9', iat: now - 1 }) })).status).toBe(401);
    await client.setex(keys.subjectCutoff('user-9'), 60, 'garbage');
    expect((await call('GET', `${app.url}/me`, { token: token({ sub: 'user-9', iat: now - 1 }) })).status).toBe(401);
  });

  it('fails closed with 503 + Retry-After while Redis is down, except on @RevocationFailOpen routes, and recovers', async () => {
    const valid = token();
    expect((await call('GET', `${app.url}/me`, { token: valid })).status).toBe(200);
    await redis.stop();
    try {
      const closed = await call('GET', `${app.url}/me`, { token: valid });
      expect(closed.status).toBe(503);
      expect(closed.headers.get('retry-after')).toBe('7');
      expect(closed.body).toEqual({ statusCode: 503, message: 'Service Unavailable' });
      expect((await call('GET', `${app.url}/lenient`, { token: valid })).status).toBe(200);
      // Still no way in without a valid token, and public routes are unaffected.
      expect((await call('GET', `${app.url}/lenient`, { token: token({ aud: 'other' }) })).status).toBe(401);
      expect((await call('GET', `${app.url}/public`)).status).toBe(200);
      const health = await call('GET', `${app.url}/health`);
      expect(health.status).toBe(503);
      expect(health.body.details).toMatchObject({ keys: 'loaded', redis: 'down' });
      expect(app.metrics.snapshot()['ERR_REVOCATION_UNAVAILABLE']).toBeGreaterThanOrEqual(1);
    } finally {
      await redis.resume();
    }
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await call('GET', `${app.url}/me`, { token: valid })).status;
      if (status !== 200) await sleep(50);
    }
    expect(status).toBe(200);
    expect((await call('GET', `${app.url}/health`)).status).toBe(200);
  }, 20_000);
});
