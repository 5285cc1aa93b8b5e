import { readFileSync } from 'node:fs';
import { ConfigError } from './config.error';
import { readEnum, readOptional } from './env.readers';
import type { RedisCredentials, RedisSecurity, RedisTls } from './redis.topology';

type Env = Record<string, string | undefined>;

/** Redis AUTH and TLS settings; each belongs with a topology variable (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS). */
export const REDIS_SECURITY_VARIABLES = [
  'REDIS_USERNAME',
  'REDIS_PASSWORD',
  'REDIS_PASSWORD_FILE',
  'REDIS_SENTINEL_USERNAME',
  'REDIS_SENTINEL_PASSWORD',
  'REDIS_SENTINEL_PASSWORD_FILE',
  'REDIS_TLS',
  'REDIS_TLS_CA',
] as const;

const CONTROL = /[\x00-\x1f\x7f]/;

/** The variables of REDIS_SECURITY_VARIABLES that are set. */
export const redisSecurityVariablesSet = (env: Env): string[] => REDIS_SECURITY_VARIABLES.filter((name) => readOptional(env, name) !== undefined);

/** REDIS_PASSWORD (or REDIS_PASSWORD_FILE) and REDIS_USERNAME: AUTH for the data nodes. */
export const readRedisCredentials = (env: Env): RedisCredentials | undefined =>
  toCredentials('REDIS', readSecret(env, 'REDIS_PASSWORD'), readOptional(env, 'REDIS_USERNAME'));

/** REDIS_SENTINEL_PASSWORD (or _FILE) and REDIS_SENTINEL_USERNAME: AUTH for the sentinels themselves. */
export const readSentinelCredentials = (env: Env): RedisCredentials | undefined =>
  toCredentials('REDIS_SENTINEL', readSecret(env, 'REDIS_SENTINEL_PASSWORD'), readOptional(env, 'REDIS_SENTINEL_USERNAME'));

/** A username alone is refused: Redis has no password-less AUTH. */
function toCredentials(prefix: string, password: string | undefined, username: string | undefined): RedisCredentials | undefined {
  if (username !== undefined && !/^[\x21-\x7e]+$/.test(username)) throw new ConfigError(`${prefix}_USERNAME`, 'must be printable ASCII without spaces');
  if (password === undefined) {
    if (username !== undefined) throw new ConfigError(`${prefix}_USERNAME`, `needs ${prefix}_PASSWORD as well`);
    return undefined;
  }
  return username === undefined ? { password } : { username, password };
}

/** REDIS_TLS=true (REDIS_TLS_CA: a PEM file of the CA to trust instead of the system's); undefined when off. */
export function readRedisTls(env: Env): RedisTls | undefined {
  const enabled = readEnum(env, 'REDIS_TLS', ['true', 'false'], 'false') === 'true';
  const caPath = readOptional(env, 'REDIS_TLS_CA');
  if (caPath !== undefined && !enabled) throw new ConfigError('REDIS_TLS_CA', 'needs REDIS_TLS=true (or a rediss:// REDIS_URL)');
  if (!enabled) return undefined;
  return caPath === undefined ? {} : { ca: readCa(caPath) };
}

/** Credentials and TLS for a Cluster or the Sentinel-monitored master. */
export function readRedisSecurity(env: Env): RedisSecurity {
  const credentials = readRedisCredentials(env);
  const tls = readRedisTls(env);
  return { ...(credentials && { credentials }), ...(tls && { tls }) };
}

/**
 * With REDIS_URL the password may be in the URL or in REDIS_PASSWORD, never both (which one would win is a
 * guess), and TLS is chosen by the scheme: REDIS_TLS=true with redis:// contradicts it.
 */
export function readUrlSecurity(env: Env, url: string): RedisSecurity {
  const parsed = new URL(url);
  if (parsed.protocol === 'memory:') {
    const stray = redisSecurityVariablesSet(env)[0];
    if (stray !== undefined) throw new ConfigError(stray, 'has no effect with the in-process store (memory://)');
    return {};
  }
  const credentials = readRedisCredentials(env);
  if (credentials && parsed.password) throw new ConfigError('REDIS_PASSWORD', 'is set while REDIS_URL carries a password too; set it in one place');
  if (credentials?.username !== undefined && parsed.username) throw new ConfigError('REDIS_USERNAME', 'is set while REDIS_URL carries a username too');
  const tlsByScheme = parsed.protocol === 'rediss:';
  const tlsSetting = readEnum(env, 'REDIS_TLS', ['true', 'false'], tlsByScheme ? 'true' : 'false');
  if ((tlsSetting === 'true') !== tlsByScheme) throw new ConfigError('REDIS_TLS', `contradicts the ${parsed.protocol}// REDIS_URL; rediss:// means TLS`);
  const tls = readRedisTls({ ...env, REDIS_TLS: tlsSetting });
  return { ...(credentials && { credentials }), ...(tls?.ca !== undefined && { tls }) };
}

/** NAME, or the content of the file NAME_FILE names (one trailing newline dropped); not both. Blank is unset. */
function readSecret(env: Env, name: string): string | undefined {
  const inline = env[name]?.trim() ? env[name] : undefined;
  const file = readOptional(env, `${name}_FILE`);
  if (inline !== undefined && file !== undefined) throw new ConfigError(name, `and ${name}_FILE are both set; set one`);
  if (file === undefined) return inline === undefined ? undefined : checkedSecret(name, inline);
  let content: string;
  try {
    content = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new ConfigError(`${name}_FILE`, `cannot read ${JSON.stringify(file)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return checkedSecret(`${name}_FILE`, content);
}

/** Never echoed: the value is a secret. */
function checkedSecret(source: string, value: string): string {
  if (value.trim() === '') throw new ConfigError(source, 'is empty');
  if (CONTROL.test(value)) throw new ConfigError(source, 'must not contain control characters (a stray newline?)');
  return value;
}

function readCa(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('REDIS_TLS_CA', `cannot read ${JSON.stringify(path)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError('REDIS_TLS_CA', `${JSON.stringify(path)} holds no PEM certificate`);
  return pem;
}
