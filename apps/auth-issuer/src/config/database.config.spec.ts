import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ConfigError } from '@app/platform';
import { DEFAULT_DATABASE_CONNECTION, loadDatabaseConnectionConfig, pgSslOption } from './database.config';
import { typeOrmOptions } from '../database/typeorm.options';

const dir = mkdtempSync(join(tmpdir(), 'db-config-'));
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const notPem = join(dir, 'key.txt');
writeFileSync(notPem, 'not a certificate');

const variableOf = (env: NodeJS.ProcessEnv): string | undefined => {
  try {
    loadDatabaseConnectionConfig(env);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.variable;
    throw error;
  }
};

describe('database connection config', () => {
  it('defaults to the pool, timeout and plain connection the issuer always had', () => {
    expect(loadDatabaseConnectionConfig({})).toEqual(DEFAULT_DATABASE_CONNECTION);
    const extra = (typeOrmOptions('postgres://h/db') as { extra: Record<string, number> }).extra;
    expect(extra).toMatchObject({ max: 10, statement_timeout: 5000, query_timeout: 6000 });
    expect((typeOrmOptions('postgres://h/db') as { ssl: unknown }).ssl).toBe(false);
  });

  it('carries pool size, statement timeout and TLS into the driver options', () => {
    const config = loadDatabaseConnectionConfig({
      DATABASE_POOL_SIZE: '25',
      DATABASE_STATEMENT_TIMEOUT_MS: '2000',
      DATABASE_SSL: 'verify-full',
      DATABASE_SSL_CA: caFile,
    });
    const options = typeOrmOptions('postgres://h/db', config) as { extra: Record<string, number>; ssl: unknown };
    expect(options.extra).toMatchObject({ max: 25, statement_timeout: 2000, query_timeout: 3000 });
    expect(options.ssl).toEqual({ rejectUnauthorized: true, ca: expect.stringContaining('BEGIN CERTIFICATE') });
  });

  it('require encrypts without verifying; verify-full without a CA trusts the default CAs', () => {
    expect(pgSslOption(loadDatabaseConnectionConfig({ DATABASE_SSL: 'require' }))).toEqual({ rejectUnauthorized: false });
    expect(pgSslOption(loadDatabaseConnectionConfig({ DATABASE_SSL: 'verify-full' }))).toEqual({ rejectUnauthorized: true });
  });

  it.each([
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
    [{ DATABASE_POOL_SIZE: 'ten' }, 'DATABASE_POOL_SIZE'],
    [{ DATABASE_STATEMENT_TIMEOUT_MS: '50' }, 'DATABASE_STATEMENT_TIMEOUT_MS'],
    [{ DATABASE_STATEMENT_TIMEOUT_MS: '5s' }, 'DATABASE_STATEMENT_TIMEOUT_MS'],
    [{ DATABASE_SSL: 'true' }, 'DATABASE_SSL'],
    [{ DATABASE_SSL: 'require', DATABASE_SSL_CA: caFile }, 'DATABASE_SSL_CA'],
    [{ DATABASE_SSL: 'verify-full', DATABASE_SSL_CA: join(dir, 'missing.pem') }, 'DATABASE_SSL_CA'],
    [{ DATABASE_SSL: 'verify-full', DATABASE_SSL_CA: notPem }, 'DATABASE_SSL_CA'],
  ])('%j is refused naming %s', (env, variable) => {
    expect(variableOf(env)).toBe(variable);
  });

  it('any garbage in the four variables is either accepted or refused by name, never thrown otherwise', () => {
    const names = ['DATABASE_POOL_SIZE', 'DATABASE_STATEMENT_TIMEOUT_MS', 'DATABASE_SSL', 'DATABASE_SSL_CA'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.string(), (name, value) => {
        const variable = variableOf({ [name]: value });
        expect(variable === undefined || variable === name).toBe(true);
      }),
    );
  });
});
