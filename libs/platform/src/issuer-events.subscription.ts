import { isRedisCluster, type RedisClient } from './redis.client';
import { issuerEventsRoute } from './issuer-events.channel';
import { ShardChannelConnection } from './shard-channel.connection';
import { decodeIssuerEvent, IssuerEvent } from '@app/contract';

/** What an owner of the subscription does with the channel; every member is its own. */
export interface IssuerEventHandlers {
  /** A message that decoded to an event. */
  event(event: IssuerEvent): void;
  /** A message the codec refused. */
  invalid?(): void;
  /** Runs after every (re)subscription: pub/sub does not replay, so what was missed meanwhile is read afresh. */
  resync(): void;
  /** The subscription came up or went down; `stopping` when it went down because of stop(). */
  connectionChanged?(connected: boolean, stopping: boolean): void;
}

/** Only what the subscription writes; Nest's Logger and the guard's Nest-free one both fit. */
export interface WarningLogger {
  warn(message: string): void;
}

const noop = () => undefined;

/**
 * The issuer's events channel on a connection of its own (subscriber mode blocks other commands), shared by
 * the issuer's replicas and the guards. Subscribes at every 'ready' (first and after each reconnect), then
 * resyncs, so a message lost while disconnected never leaves a stale key ring. The connection should have
 * `autoResubscribe: false`: resubscribing is done here, followed by the resync. The owner closes the connection.
 * The channel is the one issuerEventsRoute() gives for the connection and the key prefix, as the publishers use.
 *
 * Sentinel: the client reconnects to the new master after a failover, which passes through 'close' and 'ready'.
 * Cluster: sharded pub/sub (SSUBSCRIBE) on a plain connection to the master of the channel's slot, which this
 * subscription opens and closes itself; the cluster connection only looks the owner up. The plain connection is
 * replaced when its node goes or the slot moves, through the same 'close' and 'ready'.
 */
export class IssuerEventsSubscription {
  private subscribed = false;
  private subscribing = false;
  private stopped = false;
  private onSubscribed?: () => void;
  private readonly shard?: ShardChannelConnection;
  readonly channel: string;
  /** Resyncs caused by (re)subscribing; for tests. */
  resyncCount = 0;

  constructor(
    private readonly connection: RedisClient,
    prefix: string,
    private readonly handlers: IssuerEventHandlers,
    private readonly logger: WarningLogger,
  ) {
    this.channel = issuerEventsRoute(connection, prefix).channel;
    if (isRedisCluster(connection)) this.shard = new ShardChannelConnection(connection, this.channel);
  }

  isSubscribed(): boolean {
    return this.subscribed;
  }

  /** Resolves at the first subscription or after `waitMs`, whichever comes first: start-up waits briefly, never hangs. */
  start(waitMs = 0): Promise<void> {
    const subscribed = new Promise<void>((resolve) => (this.onSubscribed = resolve));
    // Connection errors are visible through 'close' and readiness; an unhandled 'error' would crash the process.
    this.connection.on('error', noop);
    const source = this.shard ?? this.connection;
    source.on(this.shard ? 'smessage' : 'message', (channel: string, message: string) => {
      if (channel === this.channel) this.handle(message);
    });
    source.on('ready', () => void this.subscribe());
    source.on('close', () => this.markDown());
    source.on('end', () => this.markDown());
    if (this.shard) this.shard.start();
    else if (['ready', undefined].includes((this.connection as { status?: string }).status)) void this.subscribe();
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
    return Promise.race([subscribed, waited]).finally(() => clearTimeout(timer));
  }

  /** Stops acting on the connection; closing it is the owner's choice (quit or disconnect). */
  stop(): void {
    this.stopped = true;
    this.markDown();
    this.shard?.stop();
    this.shard?.removeAllListeners();
    this.connection.removeAllListeners('ready');
  }

  /** Handles one message; anything the codec refuses is ignored (and reported). */
  handle(raw: string): void {
    const event = decodeIssuerEvent(raw);
    if (event) this.handlers.event(event);
    else this.handlers.invalid?.();
  }

  private async subscribe(): Promise<void> {
    // A reconnect always passes through 'close' (markDown) first, so a live subscription needs nothing.
    if (this.stopped || this.subscribed || this.subscribing) return;
    this.subscribing = true;
    try {
      await (this.shard ? this.shard.ssubscribe() : this.connection.subscribe(this.channel));
    } catch (error) {
      this.logger.warn(`cannot subscribe to ${this.channel}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    } finally {
      this.subscribing = false;
    }
    this.subscribed = true;
    this.handlers.connectionChanged?.(true, false);
    this.resyncCount += 1;
    this.handlers.resync();
    this.onSubscribed?.();
  }

  private markDown(): void {
    if (!this.subscribed) return;
    this.subscribed = false;
    this.handlers.connectionChanged?.(false, this.stopped);
  }
}
