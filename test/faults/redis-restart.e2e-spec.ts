import { call, HttpResult, login } from '../support/http';
import { basic, createClient } from '../support/oauth-clients';
import { PrivateRedis } from '../support/private-redis';
import { eventually } from '../keys/support/keys-system';
import type { AppProcess } from './support/app-process';
import { ProcessSystem } from './support/process-system';
import { StepProxy } from './support/step-proxy';
import { TEST_DATABASE_URL } from '../support/test-stores';

jest.setTimeout(60_000);

interface Sample {
  at: number;
  service: string;
  loggedOut: HttpResult;
  live: HttpResult;
}

/**
 * SECURITY.md: "Redis losing its data does not revive revoked tokens." Here with the apps as real processes
 * and a real redis-server of the test's own (no persistence) killed and started again empty on its port.
 */
describe('Redis restarted empty under running processes', () => {
  let redis: PrivateRedis;
  let system: ProcessSystem;
  let database: StepProxy;
  let redisFront: StepProxy;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    const postgres = new URL(TEST_DATABASE_URL);
    // The issuer reaches PostgreSQL through a proxy that can hold one statement (last test); transparent otherwise.
    database = await StepProxy.start({ host: postgres.hostname, port: Number(postgres.port || 5432) });
    const viaProxy = (url: string) => Object.assign(new URL(url), { hostname: '127.0.0.1', port: String(database.port) }).toString();
    // The issuer reaches Redis through one too; the services talk to Redis directly.
    redisFront = await StepProxy.start({ host: '127.0.0.1', port: redis.port });
    system = await ProcessSystem.start({ redisUrl: redis.url, issuerDatabaseUrl: viaProxy, issuerRedisUrl: `redis://127.0.0.1:${redisFront.port}` });
  });
  afterAll(async () => {
    await system?.stop();
    await database?.close();
    await redisFront?.close();
    await redis?.stop();
  });

  const me = (service: AppProcess, token: string) => call('GET', `${service.url}/me`, { token });
  const name = (service: AppProcess) => (service === system.orders ? 'orders' : 'billing');

  /** One logged-out token and one live token of the same user, checked at both services. */
  async function twoTokens(): Promise<{ loggedOut: string; live: string }> {
    const loggedOut = (await login(system.issuer.url, 'alice', 'alice-password')).access_token;
    const live = (await login(system.issuer.url, 'alice', 'alice-password')).access_token;
    expect((await call('POST', `${system.issuer.url}/auth/logout`, { token: loggedOut })).status).toBe(204);
    for (const service of system.services) {
      expect((await me(service, loggedOut)).status).toBe(401);
      expect((await me(service, live)).status).toBe(200);
    }
    return { loggedOut, live };
  }

  /** Samples both services every 20 ms until the live token passes and the logged-out one is refused at both. */
  async function sampleUntilRecovered(tokens: { loggedOut: string; live: string }, timeoutMs = 15_000): Promise<Sample[]> {
    const samples: Sample[] = [];
    const started = Date.now();
    const settled = new Set<string>();
    while (settled.size < system.services.length && Date.now() - started < timeoutMs) {
      for (const service of system.services) {
        const [loggedOut, live] = await Promise.all([me(service, tokens.loggedOut), me(service, tokens.live)]);
        samples.push({ at: Date.now(), service: name(service), loggedOut, live });
        if (live.status === 200 && loggedOut.status === 401) settled.add(name(service));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return samples;
  }

  function expectNeverRevived(samples: Sample[]): void {
    const statuses = (pick: (s: Sample) => HttpResult) => [...new Set(samples.map((s) => pick(s).status))].sort();
    // The logged-out token: 503 while Redis is empty (or unreachable), 401 once re-seeded. Never 200.
    expect(statuses((s) => s.loggedOut).every((status) => status === 401 || status === 503)).toBe(true);
    expect(statuses((s) => s.live).every((status) => status === 200 || status === 503)).toBe(true);
    for (const sample of samples.filter((s) => s.live.status === 503)) expect(sample.live.headers.get('retry-after')).toMatch(/^\d+$/);
  }

  const firstAt = (samples: Sample[], service: string, ok: (s: Sample) => boolean) => samples.find((s) => s.service === service && ok(s))?.at;

  // Clients reconnect on a backoff that grows with the outage (ioredis: 200 ms per attempt, at most 2 s).
  it.each([0, 4000])(
    'never accepts a logged-out token across a restart after %i ms down; valid tokens pass again once the issuer has re-seeded',
    async (downMs) => {
      const tokens = await twoTokens();
      await redis.stop();
      // A guard learns of the loss from its connection closing, an event that may come a request or two after the kill:
      // until then its replica (current up to the kill) answers. From then on, 503 with Retry-After; never a revived token.
      for (const service of system.services) {
        let down: HttpResult | undefined;
        await eventually(async () => (down = await me(service, tokens.live)).status === 503, 5000, `${name(service)} noticing Redis gone`);
        expect({ status: down!.status, retryAfter: down!.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
        expect((await me(service, tokens.loggedOut)).status).toBe(503);
      }
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await redis.resume();
      const up = Date.now();
      const samples = await sampleUntilRecovered(tokens);
      expectNeverRevived(samples);
      for (const service of system.services) {
        expect((await me(service, tokens.loggedOut)).status).toBe(401);
        expect((await me(service, tokens.live)).status).toBe(200);
      }
      const recovered = ['orders', 'billing'].map((service) => firstAt(samples, service, (s) => s.live.status === 200 && s.loggedOut.status === 401)! - up);
      const refused503 = samples.filter((s) => s.loggedOut.status === 503).length;
      console.log(
        `Redis down ${downMs} ms, restarted empty: services recovered ${recovered.map((ms) => `${ms} ms`).join(' / ')} (orders / billing) after redis-server accepted connections; logged-out token: ${refused503} × 503, then 401, never 200`,
      );
    },
  );

  it('while the issuer cannot re-seed (process paused), every token gets 503 at both services; it re-seeds as soon as it runs again', async () => {
    const tokens = await twoTokens();
    system.issuer.pause();
    try {
      await redis.stop();
      await redis.resume();
      // The guards reconnect on their own backoff (at most 2 s): Redis answers, but holds no seed marker.
      for (const service of system.services) {
        await eventually(async () => (await call('GET', `${service.url}/health`)).body?.details?.redis === 'unseeded', 5000, `${name(service)} reconnected`);
      }
      for (const service of system.services) {
        for (const token of [tokens.loggedOut, tokens.live]) {
          const refused = await me(service, token);
          expect({ status: refused.status, retryAfter: refused.headers.get('retry-after'), body: refused.body }).toEqual({
            status: 503,
            retryAfter: expect.stringMatching(/^\d+$/),
            body: { statusCode: 503, message: 'Service Unavailable' },
          });
        }
      }
    } finally {
      system.issuer.resume();
    }
    const resumed = Date.now();
    const samples = await sampleUntilRecovered(tokens);
    expectNeverRevived(samples);
    const recovered = ['orders', 'billing'].map((service) => firstAt(samples, service, (s) => s.live.status === 200 && s.loggedOut.status === 401)! - resumed);
    expect(recovered.every((ms) => Number.isFinite(ms))).toBe(true);
    console.log(
      `issuer paused across the Redis restart: 503 for every token meanwhile; recovered ${recovered.map((ms) => `${ms} ms`).join(' / ')} after it resumed`,
    );
    expect((await call('GET', `${system.issuer.url}/admin/keys`, { token: tokens.loggedOut })).status).toBe(401);
  });

  /**
   * Every revocation is written to Redis and to PostgreSQL. If Redis restarts empty between the two writes and
   * the issuer re-seeds from a journal that does not hold the revocation yet, it must still reach the new Redis.
   */
  it.each([
    ['logout everywhere', '/auth/logout-all', /INSERT INTO subject_cutoffs/],
    ['RFC 7009 revocation', '/oauth/revoke', /INSERT INTO revoked_tokens/],
  ])('a %s overlapping a Redis restart and re-seed is not lost', async (_name, path, journalWrite) => {
    const victim = (await login(system.issuer.url, 'alice', 'alice-password')).access_token;
    const bystander = (await login(system.issuer.url, 'admin', 'admin-password')).access_token;
    const held = database.freezeWhen((_trace, direction, text) => direction === 'request' && journalWrite.test(text));
    const answered =
      path === '/oauth/revoke'
        ? call('POST', `${system.issuer.url}${path}`, { form: { token: victim } })
        : call('POST', `${system.issuer.url}${path}`, { token: victim });
    await held;
    await redis.stop();
    await redis.resume();
    // Re-seeded from the journal (without this revocation): the services accept tokens again.
    for (const service of system.services) await eventually(async () => (await me(service, bystander)).status === 200, 10_000, `${name(service)} re-seeded`);
    database.releaseFrozen();
    expect((await answered).status).toBe(path === '/oauth/revoke' ? 200 : 204);
    for (const service of system.services)
      expect({ service: name(service), status: (await me(service, victim)).status }).toEqual({ service: name(service), status: 401 });
  });

  it('a Redis that restarts again while the issuer re-seeds it is never marked seeded without the revocations', async () => {
    const tokens = await twoTokens();
    // The issuer's command that marks Redis seeded (never the GET that checks for the marker).
    const marking = redisFront.freezeWhen(
      (_trace, direction, text) => direction === 'request' && text.includes('revocation:seeded') && !/\r\nget\r\n/i.test(text),
    );
    await redis.stop();
    await redis.resume();
    await marking;
    // The revocations went into this Redis; it dies before the marker reaches it, and comes back empty.
    await redis.stop();
    await redis.resume();
    const up = Date.now();
    redisFront.releaseFrozen();
    const samples = await sampleUntilRecovered(tokens);
    expectNeverRevived(samples);
    const recovered = ['orders', 'billing'].map((service) => firstAt(samples, service, (s) => s.live.status === 200 && s.loggedOut.status === 401)! - up);
    console.log(
      `Redis restarted again during a re-seed: seeded in full, services recovered ${recovered.map((ms) => `${ms} ms`).join(' / ')} after it came back`,
    );
    for (const service of system.services) {
      expect((await me(service, tokens.loggedOut)).status).toBe(401);
      expect((await me(service, tokens.live)).status).toBe(200);
    }
  });
  it('introspection never calls a logged-out token active while Redis is empty and not re-seeded yet: it answers from the journal', async () => {
    const client = await createClient(system.databaseUrl, 'reseed-probe', 'orders:read', 'orders-api');
    const introspect = (token: string) => call('POST', `${system.issuer.url}/oauth/introspect`, { form: { token }, headers: basic(client.id, client.secret) });
    const tokens = await twoTokens();
    // The re-seed's read of the journal is held: Redis stays empty and unmarked for as long as the test needs.
    const reseed = database.freezeWhen((_trace, direction, text) => direction === 'request' && /FROM revoked_tokens WHERE expires_at > now\(\)/.test(text));
    await redis.stop();
    await redis.resume();
    await reseed;
    try {
      for (const service of system.services) {
        await eventually(async () => (await call('GET', `${service.url}/health`)).body?.details?.redis === 'unseeded', 5000, `${name(service)} reconnected`);
        expect((await me(service, tokens.live)).status).toBe(503);
      }
      const loggedOut = await introspect(tokens.loggedOut);
      expect({ status: loggedOut.status, body: loggedOut.body }).toEqual({ status: 200, body: { active: false } });
      const live = await introspect(tokens.live);
      expect({ status: live.status, active: live.body.active }).toEqual({ status: 200, active: true });
    } finally {
      database.releaseFrozen();
    }
    for (const service of system.services) await eventually(async () => (await me(service, tokens.live)).status === 200, 10_000, `${name(service)} re-seeded`);
    expect((await introspect(tokens.loggedOut)).body).toEqual({ active: false });
  });
});
