import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { builtEntry, runNode } from './keys/support/built-app';
import { AppProcess } from './faults/support/app-process';
import { freePort } from './support/free-port';
import { call } from './support/http';
import { insertUser } from './security/support/users';
import { createRedisPrefix, createTestDatabase, TEST_REDIS_URL, TestDatabase } from './support/test-stores';

jest.setTimeout(60_000);

const ISSUER = 'apps/auth-issuer/src/main.js';
const kek = () => randomBytes(32).toString('base64');
/** The same database URL with a password in it; the machine's PostgreSQL trusts local connections, so any password works. */
const withPassword = (url: string, password: string) => {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
};

/** The issuer as an operator runs it with NODE_ENV=production: a real process from dist/. */
describe('NODE_ENV=production', () => {
  it('refuses an http ISSUER_URL: exit 1, one line naming ISSUER_URL', async () => {
    const run = await runNode(builtEntry(ISSUER), [], {
      NODE_ENV: 'production',
      ISSUER_URL: 'http://auth.example.com',
      KEY_ENCRYPTION_KEY: kek(),
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      REDIS_URL: 'redis://127.0.0.1:1',
      PORT: '0',
    });
    expect({ code: run.code, stderr: run.stderr.trim() }).toEqual({ code: 1, stderr: expect.stringMatching(/^config error: ISSUER_URL: [^\n]*https/) });
  });

  describe('started with an https ISSUER_URL', () => {
    let database: TestDatabase;
    let redis: { prefix: string; cleanup(): Promise<void> };
    let issuer: AppProcess;
    const password = `db-secret-${randomBytes(6).toString('hex')}`;

    beforeAll(async () => {
      database = await createTestDatabase();
      redis = await createRedisPrefix();
      const port = await freePort();
      issuer = new AppProcess(`http://127.0.0.1:${port}`, 'issuer', {
        NODE_ENV: 'production',
        ISSUER_URL: 'https://auth.example.com',
        KEY_ENCRYPTION_KEY: kek(),
        DATABASE_URL: withPassword(database.url, password),
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: redis.prefix,
        PORT: String(port),
      });
      issuer.start();
      await issuer.ready();
    });
    afterAll(async () => {
      await issuer?.stop();
      await redis?.cleanup();
      await database?.drop();
    });

    it('seeds no demo users: the users table is empty and the demo logins fail, while a real user logs in', async () => {
      const db = new Client({ connectionString: database.url });
      await db.connect();
      const { rows } = await db.query('SELECT username FROM users');
      await db.end();
      expect(rows).toEqual([]);
      for (const [username, password] of [
        ['admin', 'admin-password'],
        ['alice', 'alice-password'],
        ['bob', 'bob-password'],
      ]) {
        expect({ username, status: (await call('POST', `${issuer.url}/auth/login`, { json: { username, password } })).status }).toEqual({
          username,
          status: 401,
        });
      }
      // Control: login itself works in this process, so the 401s above mean the demo users are absent.
      await insertUser(database.url, { username: 'operator', password: 'operator-password', roles: ['admin'] });
      expect((await call('POST', `${issuer.url}/auth/login`, { json: { username: 'operator', password: 'operator-password' } })).status).toBe(200);
    });

    it('never prints the database password: the start line shows the URL redacted', async () => {
      expect(issuer.output).toContain('auth-issuer listening on');
      expect(issuer.output).toContain('PostgreSQL postgres://postgres:***@');
      expect(issuer.output).not.toContain(password);
    });
  });
});

/** A DATABASE_URL carries a password; no output line of any start, good or failed, may show it. */
describe('connection-string redaction at start', () => {
  const password = `db-secret-${randomBytes(6).toString('hex')}`;
  const env = (databaseUrl: string) => ({
    NODE_ENV: 'test',
    ISSUER_URL: 'http://127.0.0.1:1',
    KEY_ENCRYPTION_KEY: kek(),
    DATABASE_URL: databaseUrl,
    REDIS_URL: 'redis://127.0.0.1:1',
    PORT: '0',
  });

  it.each([
    ['an unreachable server', `postgres://postgres:${password}@127.0.0.1:1/none`],
    ['a port out of range', `postgres://postgres:${password}@127.0.0.1:99999/none`],
    ['a wrong scheme', `mysql://root:${password}@127.0.0.1/none`],
    ['a host that does not resolve', `postgres://postgres:${password}@no-such-host.invalid/none`],
  ])('with %s the issuer exits 1 with one line, and the password is in none of its output', async (_name, databaseUrl) => {
    const run = await runNode(builtEntry(ISSUER), [], env(databaseUrl));
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain(password);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
