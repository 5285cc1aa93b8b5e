import Redis from 'ioredis';
import { freePort } from '../support/free-port';
import { call, login } from '../support/http';
import { TEST_REDIS_URL } from '../support/test-stores';
import { TokenForge } from '../support/token-forge';
import { eventually } from '../keys/support/keys-system';
import { JwksFront, JwksMode } from '../security/support/jwks-front';
import { AppProcess } from './support/app-process';
import { ProcessSystem } from './support/process-system';

jest.setTimeout(60_000);

/**
 * The in-process suites (test/guard/guard-keys, test/security/failure-issuer) cover the key cache's
 * logic; here the resource services run as deployed (`node dist/...`, default timings: 2 s fetch timeout,
 * 10 s unknown-kid cooldown, 60 s refresh) and the issuer is a process that is killed, stopped (SIGSTOP)
 * or fronted by a JWKS that misbehaves. Refetches are forced the way production forces them: a
 * keys-changed notice on Redis, which bypasses the cooldown.
 */
describe('resource service processes with the issuer down, stalled or serving garbage', () => {
  let front: JwksFront;
  let system: ProcessSystem;
  let events: Redis;
  let forge: TokenForge;
  let cold: AppProcess | undefined;
  let token: string;

  beforeAll(async () => {
    // orders-api reads the JWKS through a front the test can turn bad; billing-api finds it by discovery.
    const port = await freePort();
    const issuerUrl = `http://127.0.0.1:${port}`;
    front = await JwksFront.start(`${issuerUrl}/.well-known/jwks.json`);
    system = await ProcessSystem.start({ redisUrl: TEST_REDIS_URL, issuerPort: port, orders: { JWKS_URL: front.url } });
    events = new Redis(TEST_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuer.environment.KEY_ENCRYPTION_KEY!);
    token = (await login(system.issuer.url, 'alice', 'alice-password')).access_token;
  });
  afterAll(async () => {
    await cold?.stop();
    await system?.stop();
    await front?.close();
    events?.disconnect();
  });

  const me = (service: AppProcess, bearer: string) => call('GET', `${service.url}/me`, { token: bearer });
  const unknownKid = (kid: string) => forge.sign(system.issuer.environment.ISSUER_URL!, {}, { kid });
  /** What the issuer publishes after every key change: each guard refetches at once, cooldown or not. */
  const announceKeysChanged = () => events.publish(`${system.issuer.environment.REDIS_PREFIX}events`, JSON.stringify({ type: 'keys-changed' }));
  const failedFetches = (service: AppProcess) => service.output.split('JWKS fetch failed').length - 1;

  async function expectStillServing(label: string): Promise<void> {
    for (const service of system.services) {
      const started = Date.now();
      const valid = await me(service, token);
      expect({ label, service: service.url, status: valid.status }).toEqual({ label, service: service.url, status: 200 });
      const elapsed = Date.now() - started;
      expect({ label, unknownKid: (await me(service, unknownKid(`unknown-${label}`))).status }).toEqual({ label, unknownKid: 401 });
      const health = await call('GET', `${service.url}/health`);
      expect({ label, health: health.status, keys: health.body?.details?.keys }).toEqual({ label, health: 200, keys: 'loaded' });
      if (elapsed > 500) console.log(`${label}: a valid token took ${elapsed} ms at ${service.url}`);
    }
  }

  it('the issuer process killed: both services keep the last good key set through refetches that fail', async () => {
    await system.issuer.kill();
    const before = system.services.map(failedFetches);
    await announceKeysChanged();
    await eventually(async () => system.services.every((service, i) => failedFetches(service) > before[i]), 5000, 'a failed refetch at each service');
    await expectStillServing('issuer killed');
    system.issuer.start();
    await system.issuer.ready();
  });

  it.each<JwksMode>(['status-500', 'garbage', 'html', 'empty-keys', 'private-keys', 'huge', 'reset', 'hang'])(
    'a JWKS answering %s: the service keeps its keys and serves valid tokens without waiting',
    async (mode) => {
      front.mode = mode;
      const hits = front.hits;
      await announceKeysChanged();
      await eventually(async () => front.hits > hits, 5000, 'the refetch reaching the front');
      // While a `hang` fetch is still in flight (up to the 2 s timeout), known keys are answered from memory.
      await expectStillServing(mode);
      if (mode === 'private-keys') expect((await me(system.orders, unknownKid('swapped'))).status).toBe(401);
      front.mode = 'proxy';
    },
  );

  it('a cold service process started while the issuer is down answers 503 with Retry-After at once, and recovers as soon as the issuer is back', async () => {
    await system.issuer.kill();
    const port = await freePort();
    cold = new AppProcess(`http://127.0.0.1:${port}`, 'orders', { ...system.orders.environment, JWKS_URL: '', PORT: String(port) });
    cold.start();
    await cold.ready(20_000, (status) => status === 503);
    const started = Date.now();
    const refused = await me(cold, token);
    const elapsed = Date.now() - started;
    expect({ status: refused.status, retryAfter: refused.headers.get('retry-after'), body: refused.body }).toEqual({
      status: 503,
      retryAfter: expect.stringMatching(/^\d+$/),
      body: { statusCode: 503, message: 'Service Unavailable' },
    });
    expect((await call('GET', `${cold.url}/health`)).body.details.keys).toBe('missing');

    system.issuer.start();
    await system.issuer.ready();
    const back = Date.now();
    // The restarted issuer announces its keys once it listens: the cold guard loads them without waiting out its 10 s cooldown.
    const recoveredMs = await eventually(async () => (await me(cold!, token)).status === 200, 5000, 'the cold service loading keys');
    console.log(`cold service, issuer down: 503 in ${elapsed} ms; keys loaded ${recoveredMs} ms after the issuer answered again (${Date.now() - back} ms)`);
  });

  it('a cold service process started while the issuer is stalled (SIGSTOP: connections accepted, never answered) starts within the fetch timeout and answers 503, never hangs', async () => {
    await cold?.stop();
    system.issuer.pause();
    try {
      const port = await freePort();
      cold = new AppProcess(`http://127.0.0.1:${port}`, 'orders', { ...system.orders.environment, JWKS_URL: '', PORT: String(port) });
      const started = Date.now();
      cold.start();
      await cold.ready(20_000, (status) => status === 503);
      const startMs = Date.now() - started;
      const t0 = Date.now();
      const refused = await me(cold, token);
      const answerMs = Date.now() - t0;
      expect({ status: refused.status, retryAfter: refused.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
      // Bounded by one fetch timeout (2 s), not by the stalled issuer.
      console.log(`cold service, issuer stalled: ready (503) ${startMs} ms after spawn; a request answered 503 in ${answerMs} ms`);
    } finally {
      system.issuer.resume();
    }
    await expectStillServing('after the stall');
  });
});
