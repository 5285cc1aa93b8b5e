import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import type { RedisCredentials, RedisSecurity, RedisTopology } from './redis.topology';

/** A connection to any topology: one Redis (plain or through Sentinel) or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * `memory://` selects an in-process store shared by every client in this process:
 * the zero-install fallback when all apps run in one process and no redis-server exists.
 * It is not durable and not shared across processes; production needs a real Redis.
 */
export const IN_PROCESS_REDIS_URL = 'memory://local';

const retry = (attempt: number) => Math.min(attempt * 200, 2000);

const failFast: RedisOptions = {
  // Fail commands quickly while disconnected so guards can answer 503 instead of hanging.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  commandTimeout: 1500,
  retryStrategy: retry,
};

/**
 * A client for a URL (`redis://`, `rediss://`, `memory://`) or a topology. Sentinel clients follow the
 * master through a failover (the sentinels announce it; a write refused as READONLY by a demoted master
 * reconnects too); cluster clients follow slots. Subscribers re-subscribe and resync at each 'ready'.
 */
export function createRedisClient(target: string | RedisTopology, overrides: RedisOptions = {}): RedisClient {
  const topology: RedisTopology = typeof target === 'string' ? { kind: 'single', url: target } : target;
  switch (topology.kind) {
    case 'single':
      if (topology.url.startsWith('memory://')) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const RedisMock = require('ioredis-mock') as typeof Redis;
        return new RedisMock({ host: 'in-process', port: 1, ...overrides, lazyConnect: false });
      }
      // Object options after the URL: ioredis keeps the URL's password and adds the CA to rediss://.
      return new Redis(topology.url, { ...failFast, ...nodeSecurity(topology), ...overrides });
    case 'sentinel': {
      const client = new Redis({
        ...failFast,
        ...nodeSecurity(topology),
        // The same TLS towards the sentinels as towards the master they point to.
        ...(topology.tls && { enableTLSForSentinelMode: true, sentinelTLS: topology.tls }),
        ...(topology.sentinelCredentials && credentialOptions(topology.sentinelCredentials, 'sentinel')),
        ...overrides,
        sentinels: topology.sentinels,
        name: topology.name,
        sentinelRetryStrategy: retry,
        // Hear +switch-master from the sentinels and reconnect at once, instead of at the next failed command.
        failoverDetector: true,
        reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
      });
      // quit() ends the connection but leaves the failover detector's sentinel connections open (ioredis 5);
      // disconnect() closes them, or the process never exits.
      client.on('end', () => client.disconnect());
      return client;
    }
    case 'cluster':
      return new Cluster(topology.nodes, clusterOptions({ ...nodeSecurity(topology), ...overrides }));
  }
}

/** AUTH and TLS options for the data connections (every Cluster node, the Sentinel-monitored master). */
function nodeSecurity({ credentials, tls }: RedisSecurity): RedisOptions {
  return { ...(credentials && credentialOptions(credentials, 'node')), ...(tls && { tls }) };
}

function credentialOptions({ username, password }: RedisCredentials, to: 'node' | 'sentinel'): RedisOptions {
  if (to === 'sentinel') return { sentinelPassword: password, ...(username !== undefined && { sentinelUsername: username }) };
  return { password, ...(username !== undefined && { username }) };
}

function clusterOptions(overrides: RedisOptions): ClusterOptions {
  // Node connections take the per-command limits; queueing while the cluster is not ready is a cluster option.
  const { enableOfflineQueue = false, retryStrategy, ...nodeOptions } = { ...failFast, ...overrides };
  void retryStrategy; // nodes are reached again through slot refreshes, the cluster itself retries below
  return { enableOfflineQueue, clusterRetryStrategy: retry, slotsRefreshTimeout: 2000, redisOptions: nodeOptions };
}

/** A second connection like `client` (for subscriber mode, which takes a connection over). */
export function duplicateRedisClient(client: RedisClient, overrides: RedisOptions = {}): RedisClient {
  return client instanceof Cluster
    ? client.duplicate(undefined, { redisOptions: { ...client.options.redisOptions, ...overrides } })
    : client.duplicate(overrides);
}

/** Whether `client` talks to a Redis Cluster. */
export const isRedisCluster = (client: RedisClient): client is Cluster => client instanceof Cluster;

/** A description to connect with (URL or topology), as opposed to a client the caller made and owns. */
export const isRedisDescription = (value: string | RedisTopology | RedisClient): value is string | RedisTopology =>
  typeof value === 'string' || 'kind' in value;
