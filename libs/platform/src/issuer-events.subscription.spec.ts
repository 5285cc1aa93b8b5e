import { EventEmitter } from 'node:events';
import type { RedisClient } from './redis.client';
import { CLUSTER_RESYNC_DELAY_MS, IssuerEventsSubscription } from './issuer-events.subscription';

/** Just enough of a connection: status, events, subscribe. */
class FakeConnection extends EventEmitter {
  status = 'ready';
  subscribe = jest.fn(async () => 1);
}

describe('IssuerEventsSubscription on a cluster connection', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  async function started() {
    const connection = new FakeConnection();
    const resync = jest.fn();
    const subscription = new IssuerEventsSubscription(connection as unknown as RedisClient, 'p:events', { event: jest.fn(), resync }, { warn: jest.fn() });
    await subscription.start();
    return { connection, resync, subscription };
  }

  it('resyncs once after a node leaves, since the cluster client moves its subscription without a new ready', async () => {
    const { connection, resync } = await started();
    expect(resync).toHaveBeenCalledTimes(1);
    connection.emit('-node');
    connection.emit('-node');
    jest.advanceTimersByTime(CLUSTER_RESYNC_DELAY_MS);
    expect(resync).toHaveBeenCalledTimes(2);
    expect(connection.subscribe).toHaveBeenCalledTimes(1);
  });

  it('leaves it to the next subscription when the connection is down, and does nothing once stopped', async () => {
    const { connection, resync, subscription } = await started();
    connection.emit('-node');
    connection.emit('close');
    jest.advanceTimersByTime(CLUSTER_RESYNC_DELAY_MS);
    expect(resync).toHaveBeenCalledTimes(1);
    connection.emit('ready');
    await Promise.resolve();
    await Promise.resolve();
    expect(resync).toHaveBeenCalledTimes(2);
    subscription.stop();
    connection.emit('-node');
    jest.advanceTimersByTime(CLUSTER_RESYNC_DELAY_MS);
    expect(resync).toHaveBeenCalledTimes(2);
  });
});
