import { randomBytes } from 'node:crypto';
import { insertUser } from '../security/support/users';
import { freePort } from '../support/free-port';
import { call } from '../support/http';
import { createRedisPrefix, createTestDatabase, TEST_REDIS_URL } from '../support/test-stores';
import { AppProcess } from '../faults/support/app-process';

jest.setTimeout(90_000);

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

/**
 * The issuer and a service as real processes at the chattiest levels: whatever they log (JSON lines on stdout,
 * anything on stderr), no password, token, refresh token, cookie, client secret, Authorization header or key
 * material sent or held by them appears in it.
 */
describe.each(['debug', 'trace'])('logs at LOG_LEVEL=%s', (level) => {
  const password = secret('pw');
  const wrongPassword = secret('wrong-pw');
  const clientSecret = secret('client-secret');
  const cookieValue = secret('cookie');
  const kek = randomBytes(32).toString('base64');
  const dbPassword = secret('db-pw');
  const metricsToken = secret('metrics');
  let issuer: AppProcess;
  let orders: AppProcess;
  let cleanup: () => Promise<void>;
  const sent: string[] = [password, wrongPassword, clientSecret, cookieValue, kek, dbPassword, metricsToken];

  beforeAll(async () => {
    const database = await createTestDatabase();
    const redis = await createRedisPrefix();
    const [issuerPort, ordersPort] = await Promise.all([freePort(), freePort()]);
    const issuerUrl = `http://127.0.0.1:${issuerPort}`;
    const url = new URL(database.url);
    url.password = dbPassword;
    const common = {
      NODE_ENV: 'test',
      LOG_LEVEL: level,
      ISSUER_URL: issuerUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redis.prefix,
      METRICS_TOKEN: metricsToken,
    };
    issuer = new AppProcess(issuerUrl, 'issuer', { ...common, KEY_ENCRYPTION_KEY: kek, DATABASE_URL: url.toString(), PORT: String(issuerPort) });
    issuer.start();
    await issuer.ready();
    orders = new AppProcess(`http://127.0.0.1:${ordersPort}`, 'orders', { ...common, PORT: String(ordersPort) });
    orders.start();
    await orders.ready();
    await insertUser(database.url, { username: 'logged-user', password, roles: ['user', 'admin'] });
    cleanup = async () => {
      await Promise.all([issuer.stop(), orders.stop()]);
      await redis.cleanup().catch(() => undefined);
      await database.drop();
    };
  });
  afterAll(() => cleanup?.());

  it('holds none of the secrets after logins, bearer calls, refreshes, cookies, client auth and garbage', async () => {
    const login = await call('POST', `${issuer.url}/auth/login`, { json: { username: 'logged-user', password }, headers: { cookie: `sid=${cookieValue}` } });
    expect(login.status).toBe(200);
    const { access_token: access, refresh_token: refresh } = login.body as { access_token: string; refresh_token: string };
    sent.push(access, refresh, access.split('.')[2]);
    expect((await call('POST', `${issuer.url}/auth/login`, { json: { username: 'logged-user', password: wrongPassword } })).status).toBe(401);
    expect((await call('GET', `${orders.url}/me`, { token: access, headers: { cookie: `access_token=${cookieValue}` } })).status).toBe(200);
    expect((await call('GET', `${orders.url}/me`, { token: `${access}x` })).status).toBe(401);
    const refreshed = await call('POST', `${issuer.url}/auth/refresh`, { json: { refresh_token: refresh } });
    expect(refreshed.status).toBe(200);
    sent.push(refreshed.body.access_token as string, refreshed.body.refresh_token as string);
    // Reuse of the spent refresh token (a security event) and a revoked access token at the service.
    expect((await call('POST', `${issuer.url}/auth/refresh`, { json: { refresh_token: refresh } })).status).toBe(400);
    expect((await call('GET', `${orders.url}/me`, { token: refreshed.body.access_token as string })).status).toBe(401);
    const admin = await call('POST', `${issuer.url}/auth/login`, { json: { username: 'logged-user', password, resource: `${issuer.url}/admin` } });
    sent.push(admin.body.access_token as string);
    expect((await call('GET', `${issuer.url}/admin/keys`, { token: admin.body.access_token as string })).status).toBe(200);
    expect(
      (await call('POST', `${issuer.url}/oauth/token`, { form: { grant_type: 'client_credentials', client_id: 'nobody', client_secret: clientSecret } }))
        .status,
    ).toBe(401);
    const basic = Buffer.from(`nobody:${clientSecret}`).toString('base64');
    sent.push(basic);
    expect(
      (await call('POST', `${issuer.url}/oauth/token`, { form: { grant_type: 'client_credentials' }, headers: { authorization: `Basic ${basic}` } })).status,
    ).toBe(401);
    expect((await call('POST', `${issuer.url}/oauth/introspect`, { form: { token: access }, headers: { authorization: `Basic ${basic}` } })).status).toBe(401);
    // Malformed bodies that quote the secrets: refused, and not echoed into a log.
    expect((await call('POST', `${issuer.url}/auth/login`, { json: `{"username":"x","password":"${password}"` })).status).toBe(400);
    expect((await call('POST', `${issuer.url}/auth/refresh?refresh_token=${refresh}`, { json: { refresh_token: 5 } })).status).toBe(400);
    expect((await call('GET', `${orders.url}/me?access_token=${access}`)).status).toBe(401);
    expect((await call('GET', `${issuer.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const output = `${issuer.output}${orders.output}`;
    // The level took effect: debug lines (guard refusals, per-request lines with their ids) are there.
    expect(orders.stdout).toMatch(/"level":"debug"/);
    expect(issuer.stdout).toMatch(/"reqId":"[\w-]+"/);
    expect(output).not.toMatch(/PRIVATE KEY|"d":"/);
    for (const value of sent) expect({ found: output.includes(value) ? value.slice(0, 12) : null }).toEqual({ found: null });
    // Structured: every stdout line but the one-line start summary is a JSON object.
    const lines = [...issuer.stdout.split('\n'), ...orders.stdout.split('\n')].filter((line) => line && !/ listening on /.test(line));
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
  });
});
