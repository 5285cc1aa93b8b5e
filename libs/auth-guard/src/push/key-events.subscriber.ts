import { Logger } from '../log/logger';
import type Redis from 'ioredis';
import type { IssuerEvent } from '@app/contract';
import type { GuardMetrics } from '../guard/guard.metrics';
import type { KeySource } from '../keys/key-source';

const MAX_MESSAGE_BYTES = 1024;
const KID = /^[A-Za-z0-9._-]{1,128}$/;
const noop = () => undefined;

/**
 * The guard's side of the issuer's events channel, on a connection of its own (subscriber mode
 * blocks other commands). keys-changed → refetch now; key-revoked → stop trusting the kid at once,
 * then refetch. Redis pub/sub does not replay, so every (re)subscription is followed by a refetch:
 * a message missed while disconnected can never leave a revoked key trusted.
 */
export class KeyEventsSubscriber {
  private subscribed = false;
  private subscribing = false;
  private onSubscribed?: () => void;
  private stopped = false;
  /** Refetches caused by (re)subscribing; for tests. */
  resyncCount = 0;

  constructor(
    private readonly connection: Redis,
    private readonly channel: string,
    private readonly keys: KeySource,
    private readonly metrics?: GuardMetrics,
    private readonly logger = new Logger('KeyEventsSubscriber'),
  ) {}

  isSubscribed(): boolean {
    return this.subscribed;
  }

  /**
   * Listens for the connection's 'ready' (first and after every reconnect) and subscribes then.
   * Resolves at the first subscription or after `waitMs`, whichever comes first: start-up waits briefly, never hangs.
   */
  start(waitMs = 0): Promise<void> {
    const subscribed = new Promise<void>((resolve) => (this.onSubscribed = resolve));
    this.connection.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.handle(message);
    });
    this.connection.on('ready', () => void this.subscribe());
    this.connection.on('close', () => this.markDown());
    this.connection.on('end', () => this.markDown());
    // Connection errors are visible through 'close' and readiness; an unhandled 'error' would crash the process.
    this.connection.on('error', noop);
    const status = (this.connection as { status?: string }).status;
    if (status === undefined || status === 'ready') void this.subscribe();
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
    return Promise.race([subscribed, waited]).finally(() => clearTimeout(timer));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.markDown();
    this.connection.removeAllListeners('ready');
    this.connection.disconnect();
  }

  /** Handles one message; anything unrecognised is ignored (and counted). */
  handle(raw: string): void {
    const event = parseEvent(raw);
    this.metrics?.increment(`event:${event?.type ?? 'invalid'}`);
    if (!event) return;
    if (event.type === 'keys-changed') void this.keys.refreshNow?.().catch(noop);
    else if (event.type === 'key-revoked') this.keys.revokeKey?.(event.kid);
    // subject-cutoff needs nothing here: the guard reads cut-offs from Redis on every request.
  }

  private async subscribe(): Promise<void> {
    // A reconnect always passes through 'close' (markDown) first, so a live subscription needs nothing.
    if (this.stopped || this.subscribed || this.subscribing) return;
    this.subscribing = true;
    try {
      await this.connection.subscribe(this.channel);
    } catch (error) {
      this.logger.warn(`cannot subscribe to ${this.channel}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    } finally {
      this.subscribing = false;
    }
    this.subscribed = true;
    this.keys.setPushConnected?.(true);
    this.resyncCount += 1;
    void this.keys.refreshNow?.().catch(noop);
    this.onSubscribed?.();
  }

  private markDown(): void {
    if (!this.subscribed) return;
    this.subscribed = false;
    this.keys.setPushConnected?.(false);
    if (!this.stopped) this.logger.warn(`lost ${this.channel}; polling the JWKS more often until it is back`);
  }
}

function parseEvent(raw: string): IssuerEvent | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_MESSAGE_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const event = value as Partial<Record<string, unknown>> | null;
  if (event?.type === 'keys-changed') return { type: 'keys-changed' };
  if (event?.type === 'key-revoked' && typeof event.kid === 'string' && KID.test(event.kid)) return { type: 'key-revoked', kid: event.kid };
  if (event?.type === 'subject-cutoff' && typeof event.sub === 'string' && typeof event.at === 'number') return { type: 'subject-cutoff', sub: event.sub, at: event.at };
  return undefined;
}
