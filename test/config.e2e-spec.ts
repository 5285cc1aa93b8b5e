import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Bad or missing configuration stops each app at start: exit non-zero, one line naming the variable. */
const root = join(__dirname, '..');
const entry = (app: string) => join(root, 'dist', 'apps', app, 'src', 'main.js');

const base = {
  PATH: process.env.PATH,
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  REDIS_URL: 'redis://127.0.0.1:6379',
  PORT: '0',
};

const cases: [app: string, env: Record<string, string | undefined>, variable: string][] = [
  ['auth-issuer', { ACCESS_TOKEN_TTL: 'abc' }, 'ACCESS_TOKEN_TTL'],
  ['auth-issuer', { REFRESH_TOKEN_TTL: String(31 * 24 * 3600) }, 'REFRESH_TOKEN_TTL'],
  ['auth-issuer', { DATABASE_URL: undefined }, 'DATABASE_URL'],
  ['auth-issuer', { DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL'],
  ['auth-issuer', { REDIS_URL: 'not a url' }, 'REDIS_URL'],
  ['auth-issuer', { ISSUER_URL: 'ftp://issuer' }, 'ISSUER_URL'],
  ['auth-issuer', { NODE_ENV: 'production', ISSUER_URL: 'https://auth.example.com' }, 'KEY_ENCRYPTION_KEY'],
  ['auth-issuer', { KEY_ENCRYPTION_KEY: 'too-short' }, 'KEY_ENCRYPTION_KEY'],
  ['auth-issuer', { SIGNING_ALG: 'HS256' }, 'SIGNING_ALG'],
  ['auth-issuer', { PORT: '70000' }, 'PORT'],
  ['auth-issuer', { DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
  ['auth-issuer', { DATABASE_STATEMENT_TIMEOUT_MS: '5s' }, 'DATABASE_STATEMENT_TIMEOUT_MS'],
  ['auth-issuer', { DATABASE_SSL: 'on' }, 'DATABASE_SSL'],
  ['auth-issuer', { DATABASE_SSL: 'verify-full', DATABASE_SSL_CA: '/nonexistent/ca.pem' }, 'DATABASE_SSL_CA'],
  // A service audience equal to the issuer's own would put the admin API into every user token.
  ['auth-issuer', { ISSUER_URL: 'http://issuer.test', ACCESS_TOKEN_AUDIENCES: 'orders-api,http://issuer.test/admin' }, 'ACCESS_TOKEN_AUDIENCES'],
  ['auth-issuer', { ISSUER_URL: 'http://issuer.test', ACCESS_TOKEN_AUDIENCES: 'http://issuer.test/' }, 'ACCESS_TOKEN_AUDIENCES'],
  ['orders-api', { ISSUER_URL: 'not a url' }, 'ISSUER_URL'],
  ['orders-api', { REDIS_URL: undefined }, 'REDIS_URL'],
  ['billing-api', { JWKS_URL: 'file:///etc/passwd' }, 'JWKS_URL'],
  ['billing-api', { PORT: '-1' }, 'PORT'],
];

describe('config validated before listen', () => {
  beforeAll(() => {
    if (!existsSync(entry('auth-issuer'))) throw new Error('run `npm run build` first (npm test does)');
  });

  it.each(cases)('%s with %j exits 1 naming %s', (app, overrides, variable) => {
    const env: Record<string, string | undefined> = { ...base, ...overrides };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    const run = spawnSync(process.execPath, [entry(app)], { env, encoding: 'utf8', timeout: 15_000 });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^config error: ${variable}: `));
  });
});
