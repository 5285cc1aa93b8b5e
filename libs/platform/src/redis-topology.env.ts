import { ConfigError } from './config.error';
import { readOptional, readString, readUrl } from './env.readers';
import { readRedisSecurity, readSentinelCredentials, readUrlSecurity, redisSecurityVariablesSet } from './redis-security.env';
import { RedisNodeAddress, RedisTopology } from './redis.topology';

type Env = Record<string, string | undefined>;

/** The variables that choose a topology; at most one may be set (REDIS_SENTINEL_NAME goes with REDIS_SENTINELS). */
export const REDIS_TOPOLOGY_VARIABLES = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const;

const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)$/;

/**
 * REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS (+ REDIS_SENTINEL_NAME). None set: REDIS_URL is required.
 * Two set is refused rather than one silently winning: half a fleet on another Redis misses revocations.
 * Credentials and TLS (redis-security.env.ts) go with any of them.
 */
export function readRedisTopology(env: Env): RedisTopology {
  const set = REDIS_TOPOLOGY_VARIABLES.filter((name) => readOptional(env, name) !== undefined);
  if (set.length > 1) throw new ConfigError(set.join(', '), 'set only one of these (one Redis, a Cluster, or Sentinel)');
  const sentinelName = readOptional(env, 'REDIS_SENTINEL_NAME');
  if (set[0] !== 'REDIS_SENTINELS') {
    const stray = ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_USERNAME', 'REDIS_SENTINEL_PASSWORD', 'REDIS_SENTINEL_PASSWORD_FILE'].find((name) =>
      readOptional(env, name),
    );
    if (stray !== undefined) throw new ConfigError(stray, 'is set without REDIS_SENTINELS');
  }
  switch (set[0]) {
    case 'REDIS_CLUSTER_NODES':
      return { kind: 'cluster', nodes: readNodeList(env, 'REDIS_CLUSTER_NODES'), ...readRedisSecurity(env) };
    case 'REDIS_SENTINELS': {
      const sentinels = readNodeList(env, 'REDIS_SENTINELS');
      if (sentinelName === undefined) throw new ConfigError('REDIS_SENTINEL_NAME', 'is required with REDIS_SENTINELS (the monitored master name)');
      if (/\s/.test(sentinelName)) throw new ConfigError('REDIS_SENTINEL_NAME', 'must not contain whitespace');
      const sentinelCredentials = readSentinelCredentials(env);
      return { kind: 'sentinel', sentinels, name: sentinelName, ...readRedisSecurity(env), ...(sentinelCredentials && { sentinelCredentials }) };
    }
    default: {
      const url = readUrl(env, 'REDIS_URL', undefined, ['redis:', 'rediss:', 'memory:']);
      return { kind: 'single', url, ...readUrlSecurity(env, url) };
    }
  }
}

/**
 * Whether a Redis is configured (a topology variable set), for launchers that otherwise bring their own. Credentials
 * or TLS without one are refused: they would go to a Redis that does not expect them.
 */
export function isRedisConfigured(env: Env): boolean {
  if (REDIS_TOPOLOGY_VARIABLES.some((name) => readOptional(env, name) !== undefined)) return true;
  const stray = redisSecurityVariablesSet(env)[0];
  if (stray !== undefined) throw new ConfigError(stray, `is set without ${REDIS_TOPOLOGY_VARIABLES.join(', ')} (the local Redis takes no password)`);
  return false;
}

/**
 * REDIS_PREFIX, default ''. An empty hash tag `{}` is refused: Redis Cluster would then hash whole key names
 * and scatter the revocation keys the guard reads in one command over several slots.
 */
export function readRedisPrefix(env: Env): string {
  const prefix = readString(env, 'REDIS_PREFIX', '');
  if (prefix.includes('{}')) throw new ConfigError('REDIS_PREFIX', 'must not contain an empty hash tag "{}"');
  return prefix;
}

/** Comma-separated `host:port` (IPv6 as `[addr]:port`), at least one. */
export function readNodeList(env: Env, name: string): RedisNodeAddress[] {
  const items = (env[name] ?? '').split(',').map((item) => item.trim());
  if (items.every((item) => item === '')) throw new ConfigError(name, 'must list at least one host:port');
  return items.map((item) => parseNode(name, item));
}

function parseNode(name: string, item: string): RedisNodeAddress {
  const colon = item.lastIndexOf(':');
  const host = colon > 0 ? item.slice(0, colon) : '';
  const portText = colon > 0 ? item.slice(colon + 1) : '';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!HOST.test(host) || !(port >= 1 && port <= 65535)) {
    // JSON-quoted so that a stray control character cannot break the one-line error.
    throw new ConfigError(name, `must be comma-separated host:port, got ${JSON.stringify(item).slice(0, 80)}`);
  }
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, port };
}
