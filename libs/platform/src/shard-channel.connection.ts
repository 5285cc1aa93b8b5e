import { EventEmitter } from 'node:events';
import Redis, { type Cluster } from 'ioredis';
import { FaultError } from './app-error';

const retryDelay = (attempt: number) => Math.min(attempt * 200, 2000);

/**
 * A plain connection to the master that owns `channel`'s slot, for SSUBSCRIBE in a Redis Cluster. ioredis's own
 * `shardedSubscribers` moves a subscription by itself, but says neither when a subscription is gone nor when it is
 * back (and reconnects in a tight loop while the owner is down); a replica that trusts itself needs both.
 *
 * Emits 'ready' for every new connection (the owner subscribes, then resyncs), 'close' when one goes, and
 * 'smessage'. A connection that ends is replaced, with the owner looked up afresh, after a growing pause; so is one
 * that the slot left (SSUBSCRIBE answered MOVED, or the server dropped the subscription after a failover or migration).
 */
export class ShardChannelConnection extends EventEmitter {
  private redis?: Redis;
  private failures = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  /** `cluster` is used for slot lookups only. */
  constructor(
    private readonly cluster: Cluster,
    private readonly channel: string,
  ) {
    super();
  }

  start(): void {
    void this.connect();
  }

  async ssubscribe(): Promise<void> {
    if (!this.redis) throw new FaultError('ERR_INTERNAL', 'not connected to the owner of the channel slot');
    await this.redis.ssubscribe(this.channel);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.redis?.disconnect();
  }

  private async connect(): Promise<void> {
    const owner = await this.owner().catch(() => undefined);
    if (this.stopped) return;
    if (!owner) return this.retryLater();
    const redis = new Redis({
      ...this.cluster.options.redisOptions,
      ...owner,
      // Reconnecting is done here, to whichever node owns the slot by then; subscribing is the owner's, then a resync.
      retryStrategy: () => null,
      autoResubscribe: false,
      lazyConnect: false,
    });
    this.redis = redis;
    redis.on('ready', () => {
      this.failures = 0;
      this.emit('ready');
    });
    redis.on('smessage', (channel: string, message: string) => this.emit('smessage', channel, message));
    // SSUBSCRIBE answered MOVED: ioredis emits this and leaves the command to the disconnect, which fails it.
    redis.on('moved', () => redis.disconnect());
    redis.on('error', (error: Error) => {
      // The server unsubscribed us (the slot left this node): ioredis reports the unexpected reply as an error.
      if (error.message.includes('sunsubscribe')) redis.disconnect();
    });
    redis.on('close', () => this.emit('close'));
    redis.on('end', () => {
      if (this.redis !== redis) return;
      this.redis = undefined;
      this.retryLater();
    });
  }

  private retryLater(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.connect(), retryDelay(++this.failures));
    this.timer.unref();
  }

  /** Asked afresh each time: after a failover the slot's master is another node. */
  private async owner(): Promise<{ host: string; port: number } | undefined> {
    const slot = Number(await this.cluster.cluster('KEYSLOT', this.channel));
    // Each range: first slot, last slot, then its nodes as [host, port, id, ...], the master first.
    const ranges = await this.cluster.cluster('SLOTS');
    const master = ranges.find(([first, last]) => slot >= first && slot <= last)?.[2];
    return master && { host: master[0], port: Number(master[1]) };
  }
}
