import { startIssuer } from '../../apps/auth-issuer/src/issuer.bootstrap';
import type { RunningApp } from '@app/platform';
import { freePort } from '../support/free-port';
import { call, HttpResult } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { insertUser } from './support/users';

const loginAt = (issuerUrl: string, body: unknown, headers: Record<string, string> = {}) => call('POST', `${issuerUrl}/auth/login`, { json: body, headers });

/** The parts of a response a client could compare, minus what differs on every response anyway. */
function fingerprint(result: HttpResult): { status: number; text: string; headers: Record<string, string> } {
  const headers = Object.fromEntries([...result.headers.entries()].filter(([name]) => !['date', 'keep-alive', 'connection', 'x-request-id'].includes(name)));
  return { status: result.status, text: result.text, headers };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('login: enumeration, injection and password handling', () => {
  let system: TestSystem;
  const longPassword = `${'p'.repeat(99)}!`;

  beforeAll(async () => {
    system = await startTestSystem({}, { services: false });
    await insertUser(system.databaseUrl, { username: 'dora', password: 'dora-password', disabled: true });
    await insertUser(system.databaseUrl, { username: 'lena', password: longPassword });
    await insertUser(system.databaseUrl, { username: 'nul', password: 'abc\u0000def-password' });
    await insertUser(system.databaseUrl, { username: 'tess', password: 'tess-password' });
  });
  afterAll(() => system?.stop());

  it('unknown user, wrong password and disabled user look the same in status, body and headers', async () => {
    const unknown = await loginAt(system.issuerUrl, { username: 'nobody-here', password: 'whatever-password' });
    const wrong = await loginAt(system.issuerUrl, { username: 'alice', password: 'whatever-password' });
    const disabled = await loginAt(system.issuerUrl, { username: 'dora', password: 'dora-password' });
    expect(unknown.status).toBe(401);
    expect(fingerprint(wrong)).toEqual(fingerprint(unknown));
    expect(fingerprint(disabled)).toEqual(fingerprint(unknown));
    expect(unknown.body.access_token).toBeUndefined();
  });

  it('unknown user, wrong password and disabled user take comparable time (medians within 3x)', async () => {
    const paths: Record<string, () => unknown> = {
      unknown: () => ({ username: `ghost-${Math.random().toString(36).slice(2)}`, password: 'whatever-password' }),
      wrong: () => ({ username: 'tess', password: `wrong-${Math.random()}` }),
      disabled: () => ({ username: 'dora', password: 'dora-password' }),
    };
    const samples: Record<string, number[]> = { unknown: [], wrong: [], disabled: [] };
    // Interleaved, so a slow moment of the machine hits every path alike.
    for (let round = 0; round < 7; round++) {
      for (const [name, body] of Object.entries(paths)) {
        const started = process.hrtime.bigint();
        const result = await loginAt(system.issuerUrl, body());
        samples[name].push(Number(process.hrtime.bigint() - started) / 1e6);
        expect(result.status).toBe(401);
      }
    }
    const medians = Object.values(samples).map(median);
    expect(Math.max(...medians) / Math.min(...medians)).toBeLessThan(3);
  });

  it('injection-shaped usernames get a plain 401 (or 400 when too long) and no token', async () => {
    const usernames = [
      "admin' OR '1'='1",
      "admin'--",
      'admin" OR "1"="1',
      'admin%',
      '%',
      '*',
      ' admin',
      'ADMIN',
      'аdmin',
      '{"$ne":null}',
      '${jndi:ldap://127.0.0.1/a}',
      '../admin',
      'admin;SELECT pg_sleep(10)',
    ];
    for (const username of usernames) {
      const result = await loginAt(system.issuerUrl, { username, password: 'admin-password' });
      expect({ username, status: result.status, error: result.body?.error }).toEqual({ username, status: 401, error: 'invalid_credentials' });
      expect(result.body.access_token).toBeUndefined();
    }
    for (const username of ['a'.repeat(300), 'admin\u0000', 'admin\n', '\u0000']) {
      const refused = await loginAt(system.issuerUrl, { username, password: 'admin-password' });
      expect({ username, status: refused.status, error: refused.body?.error }).toEqual({ username, status: 400, error: 'invalid_request' });
    }
  });

  it('non-string, missing and extra-shaped JSON fields get 400 and no token', async () => {
    const bodies: unknown[] = [
      { username: { $ne: null }, password: 'admin-password' },
      { username: 'admin', password: { $gt: '' } },
      { username: ['admin'], password: 'admin-password' },
      { username: 'admin', password: ['admin-password'] },
      { username: 1, password: 'admin-password' },
      { username: 'admin', password: 1 },
      { username: 'admin', password: true },
      { username: null, password: 'admin-password' },
      { username: 'admin', password: null },
      { username: 'admin' },
      { password: 'admin-password' },
      { username: '', password: 'admin-password' },
      { username: 'admin', password: '' },
      [],
      ['admin', 'admin-password'],
      'admin',
      42,
      null,
    ];
    for (const body of bodies) {
      const result = await loginAt(system.issuerUrl, body);
      expect({ body, status: result.status, error: result.body?.error }).toEqual({ body, status: 400, error: 'invalid_request' });
      expect(result.body.access_token).toBeUndefined();
    }
    const raw: [string, string][] = [
      ['malformed JSON', '{"username":"admin","password":'],
      ['duplicate member', '{"username":"alice","username":"admin","password":"admin-password"}'],
      ['__proto__ member', '{"username":"admin","password":"admin-password","__proto__":{"admin":true}}'],
      ['constructor.prototype', '{"username":"admin","password":"admin-password","constructor":{"prototype":{"admin":true}}}'],
      ['deep nesting', `{"username":"admin","password":"admin-password","x":${'['.repeat(500)}${']'.repeat(500)}}`],
    ];
    for (const [name, text] of raw) {
      const result = await loginAt(system.issuerUrl, text);
      expect({ name, status: result.status }).toEqual({ name, status: 400 });
      expect(result.body?.access_token).toBeUndefined();
    }
    const wrongType = await call('POST', `${system.issuerUrl}/auth/login`, { headers: { 'content-type': 'text/plain' }, json: undefined });
    expect(wrongType.status).toBeGreaterThanOrEqual(400);
    expect(wrongType.status).toBeLessThan(500);
  });

  it('passwords are never truncated and NUL bytes count', async () => {
    const ok = (password: string) => loginAt(system.issuerUrl, { username: 'lena', password });
    expect((await ok(longPassword)).status).toBe(200);
    expect((await ok(`${'p'.repeat(99)}?`)).status).toBe(401);
    expect((await ok('p'.repeat(99))).status).toBe(401);
    expect((await ok('p'.repeat(72))).status).toBe(401);
    const nul = (password: string) => loginAt(system.issuerUrl, { username: 'nul', password });
    expect((await nul('abc\u0000def-password')).status).toBe(200);
    expect((await nul('abc')).status).toBe(401);
    expect((await nul('abc\u0000xyz-password')).status).toBe(401);
  });

  it('oversized passwords are refused with 400 before any hashing, by bytes not characters', async () => {
    for (const password of ['x'.repeat(1025), 'é'.repeat(513), '€'.repeat(400), 'x'.repeat(12_000)]) {
      const result = await loginAt(system.issuerUrl, { username: 'alice', password });
      expect({ bytes: Buffer.byteLength(password), status: result.status, error: result.body.error }).toEqual({
        bytes: Buffer.byteLength(password),
        status: 400,
        error: 'invalid_request',
      });
    }
    const huge = await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'alice', password: 'x'.repeat(40_000) } });
    expect(huge.status).toBe(413);
    expect((await loginAt(system.issuerUrl, { username: 'alice', password: 'alice-password' })).status).toBe(200);
  });
});

describe('login: throttling brute force and spraying', () => {
  let system: TestSystem;
  let replica: RunningApp | undefined;
  const limits = { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '6', LOGIN_FAILURE_WINDOW: '600' };

  beforeAll(async () => {
    system = await startTestSystem(limits, { services: false });
  });
  afterAll(async () => {
    await replica?.close();
    await system?.stop();
  });

  const expectThrottled = (result: HttpResult, label: string) => {
    const retryAfter = Number(result.headers.get('retry-after'));
    expect({ label, status: result.status, body: result.body, retryAfterOk: retryAfter >= 1 && retryAfter <= 600 }).toEqual({
      label,
      status: 429,
      body: { error: 'rate_limited', error_description: expect.any(String) },
      retryAfterOk: true,
    });
    expect(result.body.access_token).toBeUndefined();
  };

  it('brute force on one account: after the limit even the right password gets 429 with Retry-After, for known and unknown accounts alike', async () => {
    for (const username of ['alice', 'nobody-at-all']) {
      for (let i = 0; i < 3; i++) expect((await loginAt(system.issuerUrl, { username, password: `guess-${i}` })).status).toBe(401);
    }
    const locked = await loginAt(system.issuerUrl, { username: 'alice', password: 'alice-password' });
    expectThrottled(locked, 'alice, right password');
    const ghost = await loginAt(system.issuerUrl, { username: 'nobody-at-all', password: 'guess' });
    expectThrottled(ghost, 'unknown account');
    expect(fingerprint(ghost).headers['retry-after']).toBeDefined();
    expect(ghost.text.replace(/\d+/g, '')).toBe(locked.text.replace(/\d+/g, ''));
    // Case variants share the budget.
    expectThrottled(await loginAt(system.issuerUrl, { username: 'ALICE', password: 'x' }), 'ALICE');
  });

  it('password spraying across accounts from one address hits the per-address limit; a spoofed X-Forwarded-For does not reset it', async () => {
    // 6 failures so far came from this address; two more accounts were never tried.
    const spoofed = { 'x-forwarded-for': '203.0.113.7' };
    expectThrottled(await loginAt(system.issuerUrl, { username: 'carol', password: 'Winter2025!' }, spoofed), 'new account, spoofed XFF');
    expectThrottled(
      await loginAt(system.issuerUrl, { username: 'admin', password: 'admin-password' }, { 'x-forwarded-for': '198.51.100.1, 10.0.0.1' }),
      'admin, right password, spoofed XFF',
    );
  });

  it('the limits live in Redis: a second issuer replica on the same stores sees them; with TRUST_PROXY it keys addresses on the proxy-reported client', async () => {
    const port = await freePort();
    replica = await startIssuer({ ...system.issuerEnv, PORT: String(port), TRUST_PROXY: 'loopback' });
    const replicaUrl = `http://127.0.0.1:${port}`;
    const fromClient = (ip: string) => ({ 'x-forwarded-for': ip });
    // A fresh client address behind the trusted proxy: the address budget is fresh, the account lock is not.
    expectThrottled(await loginAt(replicaUrl, { username: 'alice', password: 'alice-password' }, fromClient('198.51.100.20')), 'alice at the replica');
    const admin = await loginAt(replicaUrl, { username: 'admin', password: 'admin-password' }, fromClient('198.51.100.20'));
    expect(admin.status).toBe(200);
    // Without a forwarded address the replica sees the loopback client, which is over its budget.
    expectThrottled(await loginAt(replicaUrl, { username: 'admin', password: 'admin-password' }), 'loopback client at the replica');
  });

  it('successful logins do not count: many in a row from one address stay 200', async () => {
    const fresh = await startTestSystem(limits, { services: false });
    try {
      for (let i = 0; i < 8; i++) expect((await loginAt(fresh.issuerUrl, { username: 'alice', password: 'alice-password' })).status).toBe(200);
    } finally {
      await fresh.stop();
    }
  });
});

describe('login: bounded concurrent hashing', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '2' }, { services: false });
  });
  afterAll(() => system?.stop());

  it('a burst of logins beyond the hash slots and queue gets 503 with Retry-After, never 500, and the issuer recovers', async () => {
    const burst = await Promise.all(Array.from({ length: 16 }, (_, i) => loginAt(system.issuerUrl, { username: `burst-${i}`, password: 'wrong-password' })));
    const statuses = burst.map((r) => r.status);
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    const busy = burst.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const r of busy) {
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
    }
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(3);
    expect((await loginAt(system.issuerUrl, { username: 'alice', password: 'alice-password' })).status).toBe(200);
  });
});
