import type { ChainableCommander } from 'ioredis';
import { encodeIssuerEvent, IssuerEvent, redisKeys } from '@app/contract';
import { isRedisCluster, type RedisClient } from './redis.client';

/** Where the issuer's events travel on a client's topology, for publishers and subscribers alike. */
export interface IssuerEventsRoute {
  channel: string;
  /** Sharded pub/sub (SPUBLISH/SSUBSCRIBE): only the master of the channel's slot carries it. */
  sharded: boolean;
}

/**
 * A Redis Cluster: sharded pub/sub, since a classic PUBLISH is copied to every node of the cluster. One Redis or
 * Sentinel: classic pub/sub, which Redis before 7.0 has too and which a single node carries just as well.
 *
 * @example
 * const route = issuerEventsRoute(redis, 'tenant-a:'); // in a Cluster: { channel: 'tenant-a:{rev}events', sharded: true }
 */
export function issuerEventsRoute(client: RedisClient, prefix: string): IssuerEventsRoute {
  const keys = redisKeys(prefix);
  return isRedisCluster(client) ? { channel: keys.shardedEvents, sharded: true } : { channel: keys.events, sharded: false };
}

/** Publishes one event where the route's subscribers listen. */
export function publishIssuerEvent(client: RedisClient, route: IssuerEventsRoute, event: IssuerEvent): Promise<unknown> {
  const message = encodeIssuerEvent(event);
  return route.sharded ? client.spublish(route.channel, message) : client.publish(route.channel, message);
}

/** The same inside a MULTI (in a Cluster the sharded channel shares the revocation keys' slot). */
export function queueIssuerEvent(multi: ChainableCommander, route: IssuerEventsRoute, event: IssuerEvent): ChainableCommander {
  const message = encodeIssuerEvent(event);
  return route.sharded ? multi.spublish(route.channel, message) : multi.publish(route.channel, message);
}
