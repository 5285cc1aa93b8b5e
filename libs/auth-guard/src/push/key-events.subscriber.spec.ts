import { Logger } from '@nestjs/common';
import { setLogSink } from '../log/logger';
import { nestLogSink } from '../log/nest-log-sink';
import type Redis from 'ioredis';
import { createRedisClient, type RedisClient } from '@app/platform';
import { freePort } from '@app/auth-guard/testing';
import { GuardMetrics } from '../guard/guard.metrics';
import type { KeySource } from '../keys/key-source';
import { KeyEventsSubscriber } from './key-events.subscriber';

/** Records what the subscriber asks of the key source. */
class RecordingKeys implements KeySource {
  refreshes = 0;
  revoked: string[] = [];
  push: boolean[] = [];
  async getKey() {
    return undefined;
  }
  isReady() {
    return true;
  }
  algorithms() {
    return new Set<string>();
  }
  async refreshNow() {
    this.refreshes += 1;
  }
  revokeKey(kid: string) {
    this.revoked.push(kid);
  }
  setPushConnected(connected: boolean) {
    this.push.push(connected);
  }
}

// The warnings these scenarios provoke on purpose would only bury real failures in the test output.
// The library logs through Nest's Logger in Nest apps; route it there so overrideLogger silences it here too.
beforeAll(() => {
  setLogSink(nestLogSink);
  Logger.overrideLogger(false);
});
afterAll(() => Logger.overrideLogger(['error', 'warn', 'log']));

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

// memory:// is the product's in-process Redis (ioredis-mock), which does pub/sub between clients of one process.
describe('KeyEventsSubscriber', () => {
  const url = `memory://events-${process.pid}`;
  const prefix = 'tenant-a:';
  const channel = `${prefix}events`;
  let publisher: RedisClient;
  let keys: RecordingKeys;
  let metrics: GuardMetrics;
  let subscriber: KeyEventsSubscriber;

  beforeEach(async () => {
    publisher = createRedisClient(url);
    keys = new RecordingKeys();
    metrics = new GuardMetrics();
    subscriber = new KeyEventsSubscriber(createRedisClient(url), prefix, keys, metrics);
    await subscriber.start(1000);
  });
  afterEach(async () => {
    await subscriber.stop();
    publisher.disconnect();
  });

  it('subscribes, reports push as connected and resyncs once', () => {
    expect(subscriber.isSubscribed()).toBe(true);
    expect(keys.push).toEqual([true]);
    expect(keys.refreshes).toBe(1);
    expect(subscriber.resyncCount).toBe(1);
  });

  it('refetches on keys-changed and drops the kid on key-revoked', async () => {
    const before = keys.refreshes;
    await publisher.publish(channel, JSON.stringify({ type: 'keys-changed' }));
    await publisher.publish(channel, JSON.stringify({ type: 'key-revoked', kid: 'kid-1' }));
    await settle();
    expect(keys.refreshes).toBe(before + 1);
    expect(keys.revoked).toEqual(['kid-1']);
    expect(metrics.snapshot()).toMatchObject({ 'event:keys-changed': 1, 'event:key-revoked': 1 });
  });

  it('ignores other channels and malformed messages, counting them', async () => {
    const before = keys.refreshes;
    const bad = ['not json', '{}', '{"type":"key-revoked"}', '{"type":"key-revoked","kid":"../x"}', '{"type":"key-revoked","kid":7}', 'x'.repeat(5000), 'null'];
    for (const message of bad) await publisher.publish(channel, message);
    await publisher.publish('tenant-b:events', JSON.stringify({ type: 'keys-changed' }));
    await settle();
    expect(keys.refreshes).toBe(before);
    expect(keys.revoked).toEqual([]);
    expect(metrics.snapshot()['event:invalid']).toBe(bad.length);
  });

  it('takes subject-cutoff without touching keys (cut-offs are read per request)', async () => {
    const before = keys.refreshes;
    await publisher.publish(channel, JSON.stringify({ type: 'subject-cutoff', sub: 'u1', at: 1 }));
    await settle();
    expect(keys.refreshes).toBe(before);
    expect(metrics.snapshot()['event:subject-cutoff']).toBe(1);
  });

  it('resyncs after every resubscription and marks push down in between', async () => {
    const before = subscriber.resyncCount;
    const connection = (subscriber as unknown as { connection: Redis }).connection;
    connection.emit('close');
    expect(subscriber.isSubscribed()).toBe(false);
    expect(keys.push).toEqual([true, false]);
    connection.emit('ready');
    await settle();
    expect(subscriber.isSubscribed()).toBe(true);
    expect(subscriber.resyncCount).toBe(before + 1);
    expect(keys.push).toEqual([true, false, true]);
  });

  it('does not hold start-up hostage when Redis is unreachable: start() returns after its wait, unsubscribed', async () => {
    const unreachable = createRedisClient(`redis://127.0.0.1:${await freePort()}`, { autoResubscribe: false });
    const offline = new KeyEventsSubscriber(unreachable, prefix, new RecordingKeys());
    await offline.start(200);
    expect(offline.isSubscribed()).toBe(false);
    await offline.stop();
  });
});
