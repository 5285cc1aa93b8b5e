import { EventEmitter } from 'node:events';
import type { RedisClient } from './redis.client';
import { IssuerEventsSubscription } from './issuer-events.subscription';

/** Just enough of a one-node connection: status, events, subscribe. */
class FakeConnection extends EventEmitter {
  status = 'ready';
  subscribe = jest.fn(async () => 1);
}

const settle = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve();
};

// The Cluster path (a plain connection to the channel's slot owner) runs against a real cluster in test/redis.
describe('IssuerEventsSubscription on one Redis (classic pub/sub)', () => {
  async function started() {
    const connection = new FakeConnection();
    const resync = jest.fn();
    const event = jest.fn();
    const subscription = new IssuerEventsSubscription(connection as unknown as RedisClient, 'p:', { event, resync }, { warn: jest.fn() });
    await subscription.start();
    return { connection, resync, event, subscription };
  }

  it('subscribes to the channel and resyncs once, then hands over only its own channel', async () => {
    const { connection, resync, event, subscription } = await started();
    expect(connection.subscribe).toHaveBeenCalledWith('p:events');
    expect(subscription.isSubscribed()).toBe(true);
    expect(resync).toHaveBeenCalledTimes(1);
    connection.emit('message', 'other:events', '{"type":"keys-changed"}');
    connection.emit('message', 'p:events', '{"type":"keys-changed"}');
    expect(event).toHaveBeenCalledTimes(1);
  });

  it('goes down at close, resubscribes and resyncs at the next ready, and does nothing once stopped', async () => {
    const { connection, resync, subscription } = await started();
    connection.emit('close');
    expect(subscription.isSubscribed()).toBe(false);
    connection.emit('ready');
    await settle();
    expect(connection.subscribe).toHaveBeenCalledTimes(2);
    expect(resync).toHaveBeenCalledTimes(2);
    subscription.stop();
    connection.emit('ready');
    await settle();
    expect(resync).toHaveBeenCalledTimes(2);
  });
});
