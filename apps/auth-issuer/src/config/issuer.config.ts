import { adminAudienceOf, issuerOwnAudiences } from '@app/contract';
import {
  ConfigError,
  readEnum,
  readInt,
  readList,
  readOptional,
  readPort,
  readRedisPrefix,
  readRedisTopology,
  readString,
  readUrl,
  RedisTopology,
} from '@app/platform';
import { DatabaseConnectionConfig, loadDatabaseConnectionConfig } from './database.config';
import { resolveKeyEncryptionKey } from './key-encryption-key';
import { KeyLifecycleConfig, loadKeyLifecycleConfig } from './key-lifecycle.config';
import { LoginProtectionConfig, loadLoginProtectionConfig } from '../throttle/login-protection.config';
import { ClientAuthProtectionConfig, loadClientAuthProtectionConfig } from '../throttle/client-auth-protection.config';
import { loadTokenExchangeConfig, TokenExchangeConfig } from '../exchange/exchange.config';

export const ISSUER_CONFIG = Symbol('ISSUER_CONFIG');

export const SIGNING_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export interface IssuerConfig {
  production: boolean;
  port: number;
  issuerUrl: string;
  databaseUrl: string;
  /** DATABASE_POOL_SIZE, DATABASE_STATEMENT_TIMEOUT_MS, DATABASE_SSL (+ DATABASE_SSL_CA). */
  database: DatabaseConnectionConfig;
  /** REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS + REDIS_SENTINEL_NAME. */
  redis: RedisTopology;
  redisPrefix: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  /** Resource audiences a user token is valid for (SSO across apps); never the issuer's own. */
  audiences: string[];
  /** `<issuerUrl>/admin`: the one audience `/admin/*` accepts. */
  adminAudience: string;
  /** Lifetime of an admin-audience token: ACCESS_TOKEN_TTL, at most ADMIN_TOKEN_MAX_TTL. */
  adminTokenTtl: number;
  signingAlgorithm: SigningAlgorithm;
  keyEncryptionKey: Buffer;
  keys: KeyLifecycleConfig;
  dataDir: string;
  /** AUTH_COOKIE=1: browser apps may ask login for HttpOnly cookies, and the issuer's guard reads them. */
  cookieDelivery: boolean;
  loginProtection: LoginProtectionConfig;
  clientAuthProtection: ClientAuthProtectionConfig;
  /** CLIENT_CACHE_TTL: seconds a client row read for authentication is reused (0: read every time). */
  clientCacheTtl: number;
  tokenExchange: TokenExchangeConfig;
}

const THIRTY_DAYS = 30 * 24 * 3600;
/** An admin-audience token can import signing keys: it lives five minutes at most and is never refreshed. */
const ADMIN_TOKEN_MAX_TTL = 300;

/** Reads and validates the issuer's environment; throws ConfigError naming the first bad variable. */
export function loadIssuerConfig(env: NodeJS.ProcessEnv): IssuerConfig {
  const production = readOptional(env, 'NODE_ENV') === 'production';
  const issuerUrl = readUrl(env, 'ISSUER_URL', 'http://localhost:3000', ['http:', 'https:']);
  if (production && !issuerUrl.startsWith('https:') && !readOptional(env, 'ALLOW_HTTP_ISSUER')) {
    throw new ConfigError('ISSUER_URL', 'must use https in production (set ALLOW_HTTP_ISSUER=1 behind a TLS proxy)');
  }
  const dataDir = readString(env, 'DATA_DIR', '.data');
  const accessTokenTtl = readInt(env, 'ACCESS_TOKEN_TTL', 900, { min: 30, max: 86400 });
  const refreshTokenTtl = readInt(env, 'REFRESH_TOKEN_TTL', 604800, { min: 60, max: THIRTY_DAYS });
  const audiences = readList(env, 'ACCESS_TOKEN_AUDIENCES', ['orders-api', 'billing-api']);
  // A service audience equal to the issuer's own would make every user token an admin token.
  const own = audiences.find((audience) => issuerOwnAudiences(issuerUrl).includes(audience.replace(/\/+$/, '')));
  if (own !== undefined) throw new ConfigError('ACCESS_TOKEN_AUDIENCES', `must not name the issuer itself (${own})`);
  return {
    production,
    port: readPort(env, 'PORT', 3000),
    issuerUrl,
    databaseUrl: readUrl(env, 'DATABASE_URL', undefined, ['postgres:', 'postgresql:']),
    database: loadDatabaseConnectionConfig(env),
    redis: readRedisTopology(env),
    redisPrefix: readRedisPrefix(env),
    accessTokenTtl,
    refreshTokenTtl,
    audiences,
    adminAudience: adminAudienceOf(issuerUrl),
    adminTokenTtl: Math.min(accessTokenTtl, ADMIN_TOKEN_MAX_TTL),
    signingAlgorithm: readEnum(env, 'SIGNING_ALG', SIGNING_ALGORITHMS, 'RS256'),
    keys: loadKeyLifecycleConfig(env),
    keyEncryptionKey: resolveKeyEncryptionKey(env, production, dataDir),
    dataDir,
    cookieDelivery: readEnum(env, 'AUTH_COOKIE', ['0', '1'], '0') === '1',
    loginProtection: loadLoginProtectionConfig(env),
    clientAuthProtection: loadClientAuthProtectionConfig(env),
    clientCacheTtl: readInt(env, 'CLIENT_CACHE_TTL', 5, { min: 0, max: 300 }),
    tokenExchange: loadTokenExchangeConfig(env),
  };
}
