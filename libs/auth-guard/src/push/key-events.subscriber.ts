import type { RedisClient } from '@app/platform';
import { Logger } from '../log/logger';
import type { IssuerEvent } from '@app/contract';
import { IssuerEventsSubscription } from '@app/platform/issuer-events.subscription';
import type { GuardMetrics } from '../guard/guard.metrics';
import type { KeySource } from '../keys/key-source';

const noop = () => undefined;

/**
 * The guard's side of the issuer's events channel. keys-changed → refetch now; key-revoked → stop
 * trusting the kid at once, then refetch. Every (re)subscription is followed by a refetch (the resync):
 * a message missed while disconnected can never leave a revoked key trusted.
 */
export class KeyEventsSubscriber {
  private readonly subscription: IssuerEventsSubscription;

  constructor(
    private readonly connection: RedisClient,
    prefix: string,
    private readonly keys: KeySource,
    private readonly metrics?: GuardMetrics,
    private readonly logger = new Logger('KeyEventsSubscriber'),
  ) {
    this.subscription = new IssuerEventsSubscription(
      connection,
      prefix,
      {
        event: (event) => this.onEvent(event),
        invalid: () => this.metrics?.increment('event:invalid'),
        resync: () => void this.keys.refreshNow?.().catch(noop),
        connectionChanged: (connected, stopping) => this.onConnectionChanged(connected, stopping),
      },
      logger,
    );
  }

  /** Refetches caused by (re)subscribing; for tests. */
  get resyncCount(): number {
    return this.subscription.resyncCount;
  }

  isSubscribed(): boolean {
    return this.subscription.isSubscribed();
  }

  /** Resolves at the first subscription or after `waitMs`, whichever comes first: start-up waits briefly, never hangs. */
  start(waitMs = 0): Promise<void> {
    return this.subscription.start(waitMs);
  }

  async stop(): Promise<void> {
    this.subscription.stop();
    this.connection.disconnect();
  }

  /** Handles one message; anything unrecognised is ignored (and counted). */
  handle(raw: string): void {
    this.subscription.handle(raw);
  }

  private onEvent(event: IssuerEvent): void {
    this.metrics?.increment(`event:${event.type}`);
    if (event.type === 'keys-changed') void this.keys.refreshNow?.().catch(noop);
    else if (event.type === 'key-revoked') this.keys.revokeKey?.(event.kid);
    // subject-cutoff needs nothing here: the guard reads cut-offs from Redis on every request.
  }

  private onConnectionChanged(connected: boolean, stopping: boolean): void {
    this.keys.setPushConnected?.(connected);
    if (!connected && !stopping) this.logger.warn(`lost ${this.subscription.channel}; polling the JWKS more often until it is back`);
  }
}
