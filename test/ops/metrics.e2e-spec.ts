import { randomBytes } from 'node:crypto';
import { freePort } from '../support/free-port';
import { adminLogin, b64url, call, decodeJwt, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';

const METRICS_TOKEN = `mt-${randomBytes(16).toString('hex')}`;
const scrape = (url: string, token?: string) => call('GET', `${url}/metrics`, token === undefined ? {} : { headers: { authorization: token } });

/** A value of one series line, e.g. seriesValue(text, 'x_total{a="b"}'). */
function seriesValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `) || l.startsWith(`${series.replace(/}$/, '')},`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics unset: no app serves /metrics', () => {
  let system: TestSystem;
  beforeAll(async () => (system = await startTestSystem()));
  afterAll(() => system?.stop());

  it.each(['issuerUrl', 'ordersUrl', 'billingUrl'] as const)('%s answers 404, with or without a token', async (app) => {
    expect((await scrape(system[app])).status).toBe(404);
    expect((await scrape(system[app], `Bearer ${METRICS_TOKEN}`)).status).toBe(404);
  });
});

describe('metrics behind METRICS_TOKEN', () => {
  let system: TestSystem;
  let metricsPort: number;
  beforeAll(async () => {
    system = await startTestSystem({ METRICS_TOKEN });
  });
  afterAll(() => system?.stop());

  it.each(['issuerUrl', 'ordersUrl', 'billingUrl'] as const)('%s refuses a missing, wrong or malformed token with 401 and no metrics', async (app) => {
    for (const header of [
      undefined,
      '',
      `Bearer ${METRICS_TOKEN}x`,
      `Bearer ${METRICS_TOKEN.slice(1)}`,
      METRICS_TOKEN,
      `Basic ${METRICS_TOKEN}`,
      `Bearer  ${METRICS_TOKEN} extra`,
      'Bearer ',
    ]) {
      const result = await scrape(system[app], header);
      expect({ header, status: result.status }).toEqual({ header, status: 401 });
      expect(result.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(result.text).not.toMatch(/process_cpu|_total/);
    }
  });

  it('after traffic, exposes the guard, issuer and process series in Prometheus text format', async () => {
    const alice = await login(system.issuerUrl, 'alice', 'alice-password');
    const kid = decodeJwt(alice.access_token).header.kid as string;
    expect((await call('GET', `${system.ordersUrl}/me`, { token: alice.access_token })).status).toBe(200);
    expect((await call('GET', `${system.ordersUrl}/me`)).status).toBe(401);
    expect((await call('GET', `${system.ordersUrl}/admin/ping`, { token: alice.access_token })).status).toBe(403);
    const forged = `${alice.access_token.split('.')[0].replace(/.$/, '')}x.${alice.access_token.split('.').slice(1).join('.')}`;
    expect((await call('GET', `${system.ordersUrl}/me`, { token: forged })).status).toBe(401);
    const unknownKid = [b64url({ alg: 'RS256', typ: 'at+jwt', kid: 'attacker-kid-1' }), ...alice.access_token.split('.').slice(1)].join('.');
    expect((await call('GET', `${system.ordersUrl}/me`, { token: unknownKid })).status).toBe(401);
    expect((await call('POST', `${system.issuerUrl}/auth/login`, { json: { username: 'alice', password: 'wrong-password' } })).status).toBe(401);
    expect((await call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token: alice.refresh_token } })).status).toBe(200);
    expect((await call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token: alice.refresh_token } })).status).toBe(400);

    const orders = await scrape(system.ordersUrl, `Bearer ${METRICS_TOKEN}`);
    expect(orders.status).toBe(200);
    expect(orders.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(orders.headers.get('cache-control')).toBe('no-store');
    expect(seriesValue(orders.text, `auth_guard_verifications_by_kid_total{kid="${kid}",app="orders-api"}`)).toBeGreaterThanOrEqual(2);
    expect(seriesValue(orders.text, 'auth_guard_verifications_total{outcome="accepted",reason="none",app="orders-api"}')).toBeGreaterThanOrEqual(1);
    expect(seriesValue(orders.text, 'auth_guard_verifications_total{outcome="refused",reason="ERR_TOKEN_MISSING",app="orders-api"}')).toBe(1);
    expect(seriesValue(orders.text, 'auth_guard_verifications_total{outcome="refused",reason="ERR_INSUFFICIENT_ROLE",app="orders-api"}')).toBe(1);
    expect(orders.text).toMatch(/^auth_guard_jwks_fetches_total\{result="modified",app="orders-api"\} [1-9]/m);
    // Two tokens got past the signature (/me and /admin/ping): each was checked once, in the replica once it is current.
    const checks = (source: string) => seriesValue(orders.text, `auth_guard_revocation_checks_total{source="${source}",app="orders-api"}`) ?? 0;
    expect(checks('replica')).toBeGreaterThanOrEqual(1);
    expect(checks('replica') + checks('redis')).toBe(2);
    expect(orders.text).toMatch(/^# TYPE auth_guard_revocation_lookup_seconds histogram$/m);
    expect(orders.text).toMatch(/^process_cpu_user_seconds_total\{app="orders-api"\} /m);
    expect(orders.text).toMatch(/^nodejs_heap_size_used_bytes\{app="orders-api"\} /m);
    expect(orders.text).toMatch(/^process_faults_total\{kind="uncaughtException",app="orders-api"\} 0/m);
    // A kid nobody published is counted as unknown, never under its own name.
    expect(seriesValue(orders.text, 'auth_guard_verifications_by_kid_total{kid="unknown",app="orders-api"}')).toBe(1);
    expect(seriesValue(orders.text, 'auth_guard_verifications_total{outcome="refused",reason="ERR_KID_UNKNOWN",app="orders-api"}')).toBe(1);
    expect(orders.text).not.toContain('attacker-kid');

    const issuer = await scrape(system.issuerUrl, `Bearer ${METRICS_TOKEN}`);
    expect(issuer.status).toBe(200);
    expect(seriesValue(issuer.text, `issuer_tokens_issued_total{grant="password",alg="RS256",app="auth-issuer"}`)).toBe(1);
    expect(seriesValue(issuer.text, `issuer_tokens_issued_total{grant="refresh_token",alg="RS256",app="auth-issuer"}`)).toBe(1);
    expect(seriesValue(issuer.text, `issuer_tokens_signed_by_kid_total{kid="${kid}",app="auth-issuer"}`)).toBe(2);
    expect(seriesValue(issuer.text, 'issuer_logins_total{outcome="success",app="auth-issuer"}')).toBe(1);
    expect(seriesValue(issuer.text, 'issuer_logins_total{outcome="failure",app="auth-issuer"}')).toBe(1);
    expect(seriesValue(issuer.text, 'issuer_refresh_reuse_detected_total{app="auth-issuer"}')).toBe(1);
    expect(
      seriesValue(issuer.text, `issuer_signing_key_timestamp_seconds{kid="${kid}",alg="RS256",state="active",event="rotation_due",app="auth-issuer"}`),
    ).toBeGreaterThan(Date.now() / 1000);
    expect(seriesValue(issuer.text, 'issuer_signing_keys{state="pending",app="auth-issuer"}')).toBe(1);
    expect(seriesValue(issuer.text, 'issuer_security_events_total{type="refresh_reuse",app="auth-issuer"}')).toBe(1);
  });

  it('serves the same metrics on METRICS_PORT, and nothing else there', async () => {
    metricsPort = await freePort();
    const { startOrdersApi } = await import('../../apps/orders-api/src/orders-api.bootstrap');
    const port = await freePort();
    const app = await startOrdersApi({ ...system.serviceEnv(port), METRICS_TOKEN, METRICS_PORT: String(metricsPort) });
    try {
      const separate = `http://127.0.0.1:${metricsPort}`;
      expect((await scrape(separate)).status).toBe(401);
      expect((await scrape(separate, `Bearer ${METRICS_TOKEN}`)).text).toMatch(/^process_cpu_user_seconds_total\{app="orders-api"\} /m);
      expect((await call('GET', `${separate}/health`)).status).toBe(404);
      expect((await scrape(app.url, `Bearer ${METRICS_TOKEN}`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('answers many concurrent scrapes and garbage headers without a 5xx', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => scrape(system.issuerUrl, i % 2 ? `Bearer ${METRICS_TOKEN}` : `Bearer ${randomBytes(40).toString('base64')}`)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([...Array(10).fill(200), ...Array(10).fill(401)]);
  });

  it('an admin-audience login counts as a password grant too', async () => {
    await adminLogin(system.issuerUrl);
    const issuer = await scrape(system.issuerUrl, `Bearer ${METRICS_TOKEN}`);
    expect(seriesValue(issuer.text, `issuer_tokens_issued_total{grant="password",alg="RS256",app="auth-issuer"}`)).toBe(2);
  });
});
