import Redis, { Cluster } from 'ioredis';
import { redisKeys } from '@app/contract';
import { issuerEventsRoute } from './issuer-events.channel';

describe('issuerEventsRoute', () => {
  // lazyConnect: only the kind of client matters, nothing is sent.
  const single = new Redis({ lazyConnect: true });
  const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
  afterAll(() => [single, cluster].forEach((client) => client.disconnect()));

  it('keeps classic pub/sub on the unchanged channel for one Redis or Sentinel', () => {
    expect(issuerEventsRoute(single, 'tenant-a:')).toEqual({ channel: 'tenant-a:events', sharded: false });
  });

  it('uses sharded pub/sub in a Cluster, on a channel in the revocation keys slot', () => {
    expect(issuerEventsRoute(cluster, 'tenant-a:')).toEqual({ channel: redisKeys('tenant-a:').shardedEvents, sharded: true });
    expect(redisKeys('tenant-a:').shardedEvents).toBe('tenant-a:{rev}events');
  });
});
