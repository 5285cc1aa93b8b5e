import { Client } from 'pg';
import type { RunningApp } from '@app/platform';
import { startIssuer } from '../../apps/auth-issuer/src/issuer.bootstrap';
import { freePort } from '../support/free-port';
import { call, HttpResult } from '../support/http';
import { basic, createClient } from '../support/oauth-clients';
import { startTestSystem, TestSystem } from '../support/test-system';

type Credentials = { id: string; secret: string };

/** The three endpoints that authenticate clients, each called the way a client would. */
const ENDPOINTS: Record<string, (issuerUrl: string, headers: Record<string, string>, form?: Record<string, string>) => Promise<HttpResult>> = {
  token: (url, headers, form = {}) => call('POST', `${url}/oauth/token`, { form: { grant_type: 'client_credentials', ...form }, headers }),
  introspect: (url, headers, form = {}) => call('POST', `${url}/oauth/introspect`, { form: { token: 'not-a-token', ...form }, headers }),
  revoke: (url, headers, form = {}) => call('POST', `${url}/oauth/revoke`, { form: { token: 'not-a-token', ...form }, headers }),
};
const OK: Record<string, number> = { token: 200, introspect: 200, revoke: 200 };

function expectThrottled(result: HttpResult, label: string, windowSeconds = 600): void {
  const retryAfter = Number(result.headers.get('retry-after'));
  expect({
    label,
    status: result.status,
    body: result.body,
    retryAfterOk: Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= windowSeconds,
    cacheControl: result.headers.get('cache-control'),
  }).toEqual({ label, status: 429, body: { error: 'invalid_client', error_description: expect.any(String) }, retryAfterOk: true, cacheControl: 'no-store' });
}

function expectRefused(result: HttpResult, label: string): void {
  expect({ label, status: result.status, error: result.body?.error }).toEqual({ label, status: 401, error: 'invalid_client' });
}

/**
 * Secret guessing and client_id spraying at /oauth/token, /oauth/introspect and /oauth/revoke are counted
 * per client_id and per client address in Redis, like failed logins; beyond either limit: 429 with an
 * RFC 6749 `invalid_client` body and Retry-After (docs/security.md explains the choice).
 */
describe('client authentication: throttling secret guessing', () => {
  const limits = { CLIENT_AUTH_MAX_FAILURES_PER_CLIENT: '3', CLIENT_AUTH_MAX_FAILURES_PER_IP: '8', CLIENT_AUTH_FAILURE_WINDOW: '600' };
  let system: TestSystem;
  let replica: RunningApp | undefined;
  let victim: Credentials;
  let bystander: Credentials;

  beforeAll(async () => {
    system = await startTestSystem(limits, { services: false });
    victim = await createClient(system.databaseUrl, 'reporting-job', 'orders:read', 'orders-api');
    bystander = await createClient(system.databaseUrl, 'billing-job', 'orders:read', 'orders-api');
  });
  afterAll(async () => {
    await replica?.close();
    await system?.stop();
  });

  it('successful authentications do not count: many in a row stay 200 at every endpoint', async () => {
    for (let i = 0; i < 4; i++) {
      for (const [name, endpoint] of Object.entries(ENDPOINTS))
        expect({ name, status: (await endpoint(system.issuerUrl, basic(bystander.id, bystander.secret))).status }).toEqual({ name, status: OK[name] });
    }
  });

  it("guessing one client's secret: past the limit every endpoint answers 429 even for the right secret, by either method; other clients are unaffected", async () => {
    const names = Object.keys(ENDPOINTS);
    for (const name of names) expectRefused(await ENDPOINTS[name](system.issuerUrl, basic(victim.id, `${victim.secret}x`)), `${name}, wrong secret`);
    for (const name of names) expectThrottled(await ENDPOINTS[name](system.issuerUrl, basic(victim.id, victim.secret)), `${name}, right secret`);
    expectThrottled(await ENDPOINTS.token(system.issuerUrl, {}, { client_id: victim.id, client_secret: victim.secret }), 'client_secret_post');
    expect((await ENDPOINTS.token(system.issuerUrl, basic(bystander.id, bystander.secret))).status).toBe(200);
  });

  it('an unknown client_id is counted and refused exactly like a known one (no enumeration through the throttle)', async () => {
    const known = await ENDPOINTS.token(system.issuerUrl, basic(victim.id, 'guess'));
    for (let i = 0; i < 3; i++) expectRefused(await ENDPOINTS.token(system.issuerUrl, basic('ghost-job', `guess-${i}`)), 'unknown client');
    const unknown = await ENDPOINTS.token(system.issuerUrl, basic('ghost-job', 'guess'));
    expectThrottled(unknown, 'unknown client, past the limit');
    expect(unknown.text.replace(/\d+/g, '')).toBe(known.text.replace(/\d+/g, ''));
    expect(unknown.headers.get('www-authenticate')).toBe(known.headers.get('www-authenticate'));
  });

  it('spraying client_ids from one address hits the per-address limit; a spoofed X-Forwarded-For does not reset it', async () => {
    // 6 failures so far from this address (limit 8).
    for (const id of ['spray-1', 'spray-2']) expectRefused(await ENDPOINTS.introspect(system.issuerUrl, basic(id, 'Winter2025!')), id);
    expectThrottled(await ENDPOINTS.token(system.issuerUrl, basic(bystander.id, bystander.secret)), 'other client, right secret');
    expectThrottled(await ENDPOINTS.revoke(system.issuerUrl, { ...basic('spray-3', 'x'), 'x-forwarded-for': '203.0.113.9' }), 'spoofed XFF');
    // Requests that present no client credentials are not client authentication: a first-party revoke still works.
    expect((await ENDPOINTS.revoke(system.issuerUrl, {})).status).toBe(200);
  });

  it('the counters live in Redis: a second issuer replica refuses the guessed client from any address; throttling is audited without secrets', async () => {
    const port = await freePort();
    replica = await startIssuer({ ...system.issuerEnv, PORT: String(port), TRUST_PROXY: 'loopback' });
    const replicaUrl = `http://127.0.0.1:${port}`;
    const from = { 'x-forwarded-for': '198.51.100.30' };
    expectThrottled(await ENDPOINTS.token(replicaUrl, { ...basic(victim.id, victim.secret), ...from }), 'guessed client at the replica');
    expect((await ENDPOINTS.token(replicaUrl, { ...basic(bystander.id, bystander.secret), ...from })).status).toBe(200);

    const pg = new Client({ connectionString: system.databaseUrl });
    await pg.connect();
    try {
      const { rows } = await pg.query(`SELECT details FROM audit_events WHERE type = 'client_auth_throttled'`);
      expect(rows.length).toBeGreaterThan(0);
      expect(JSON.stringify(rows)).not.toContain(victim.secret);
      expect(rows.map((r) => r.details.scope)).toEqual(expect.arrayContaining(['client', 'ip']));
    } finally {
      await pg.end();
    }
  });
});

describe('client authentication: the throttling window', () => {
  let system: TestSystem;
  let client: Credentials;

  beforeAll(async () => {
    system = await startTestSystem({ CLIENT_AUTH_MAX_FAILURES_PER_CLIENT: '2', CLIENT_AUTH_FAILURE_WINDOW: '2' }, { services: false });
    client = await createClient(system.databaseUrl, 'nightly-job', 'orders:read', 'orders-api');
  });
  afterAll(() => system?.stop());

  it('a throttled client authenticates again once Retry-After has passed', async () => {
    for (let i = 0; i < 2; i++) expectRefused(await ENDPOINTS.token(system.issuerUrl, basic(client.id, `guess-${i}`)), 'wrong secret');
    const throttled = await ENDPOINTS.token(system.issuerUrl, basic(client.id, client.secret));
    expectThrottled(throttled, 'right secret', 2);
    await new Promise((resolve) => setTimeout(resolve, Number(throttled.headers.get('retry-after')) * 1000 + 100));
    expect((await ENDPOINTS.token(system.issuerUrl, basic(client.id, client.secret))).status).toBe(200);
  });
});
