import { readFileSync } from 'node:fs';
import { ConfigError, readEnum, readInt, readOptional } from '@app/platform';

const DATABASE_SSL_MODES = ['disable', 'require', 'verify-full'] as const;
type DatabaseSslMode = (typeof DATABASE_SSL_MODES)[number];

/** How the issuer connects to PostgreSQL, beyond DATABASE_URL: pool, per-statement bound, TLS. */
export interface DatabaseConnectionConfig {
  poolSize: number;
  statementTimeoutMs: number;
  sslMode: DatabaseSslMode;
  /** PEM of DATABASE_SSL_CA (verify-full only); without it Node's default CAs are trusted. */
  sslCa?: string;
}

export const DEFAULT_DATABASE_CONNECTION: DatabaseConnectionConfig = { poolSize: 10, statementTimeoutMs: 5000, sslMode: 'disable' };

/** Reads DATABASE_POOL_SIZE, DATABASE_STATEMENT_TIMEOUT_MS, DATABASE_SSL and DATABASE_SSL_CA; throws ConfigError on a bad one. */
export function loadDatabaseConnectionConfig(env: NodeJS.ProcessEnv): DatabaseConnectionConfig {
  const poolSize = readInt(env, 'DATABASE_POOL_SIZE', DEFAULT_DATABASE_CONNECTION.poolSize, { min: 1, max: 500 });
  const statementTimeoutMs = readInt(env, 'DATABASE_STATEMENT_TIMEOUT_MS', DEFAULT_DATABASE_CONNECTION.statementTimeoutMs, { min: 100, max: 600_000 });
  const sslMode = readEnum(env, 'DATABASE_SSL', DATABASE_SSL_MODES, DEFAULT_DATABASE_CONNECTION.sslMode);
  const caPath = readOptional(env, 'DATABASE_SSL_CA');
  if (caPath === undefined) return { poolSize, statementTimeoutMs, sslMode };
  // A CA that would be silently ignored gives a false sense of verification.
  if (sslMode !== 'verify-full') throw new ConfigError('DATABASE_SSL_CA', 'is only used with DATABASE_SSL=verify-full');
  return { poolSize, statementTimeoutMs, sslMode, sslCa: readCa(caPath) };
}

function readCa(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError('DATABASE_SSL_CA', `cannot read ${path}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError('DATABASE_SSL_CA', `${path} holds no PEM certificate`);
  return pem;
}

/** node-postgres `ssl` option: require encrypts without checking the server; verify-full checks chain and host name. */
export function pgSslOption(config: DatabaseConnectionConfig): false | { rejectUnauthorized: boolean; ca?: string } {
  if (config.sslMode === 'disable') return false;
  if (config.sslMode === 'require') return { rejectUnauthorized: false };
  return config.sslCa === undefined ? { rejectUnauthorized: true } : { rejectUnauthorized: true, ca: config.sslCa };
}
