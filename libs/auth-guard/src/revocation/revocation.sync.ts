import type { RedisClient } from '@app/platform/redis.client';
import { AccessTokenClaims, IssuerEvent, redisKeys } from '@app/contract';
import { IssuerEventsSubscription } from '@app/platform/issuer-events.subscription';
import { Logger } from '../log/logger';
import { loadReplica } from './revocation.loader';
import { ReplicaEntry, ReplicaVerdict, RevocationReplica } from './revocation.replica';

export interface RevocationSyncOptions {
  /** Key and channel prefix shared with the issuer. */
  prefix: string;
  /** Load only a Redis that holds the issuer's seed marker (see AuthGuardOptions.requireRevocationSeed). */
  requireSeed: boolean;
  /** Pause before retrying a failed full read, ms. Default 1000. */
  retryMs?: number;
  /** A full re-read even while current, ms: bounds the life of anything a lost publish kept out. Default 300000. */
  fullReadIntervalMs?: number;
  /** How often expired entries are dropped, ms. Default 10000. */
  sweepIntervalMs?: number;
  now?: () => number;
  /** Called for every `key-revoked` event (the verified-token cache drops the kid's tokens). */
  onKeyRevoked?: (kid: string) => void;
}

/** Keys whose TTL is read per pipeline after events. */
const REFINE_BATCH = 500;
const EXPIRY_MARGIN_MS = 1000;

/**
 * Keeps a RevocationReplica current: subscribe first, then read the whole denylist, then serve from memory; events
 * arriving during the read are applied on top of it. The replica is *current* only between a completed read and the
 * next disconnect of either connection: until then `verdict()` answers undefined and the caller looks Redis up per
 * request (failing closed as always). Since the issuer writes Redis before it publishes, a revocation is either in
 * the read or in an event received after the subscription, never in neither.
 */
export class RevocationSync {
  readonly replica = new RevocationReplica();
  private readonly subscription: IssuerEventsSubscription;
  private readonly logger = new Logger('RevocationSync');
  private readonly now: () => number;
  private current = false;
  /** Bumped at every disconnect: a read that started before one may not mark the replica current. */
  private epoch = 0;
  private loading = false;
  private reloadWanted = false;
  private duringLoad: IssuerEvent[] = [];
  private readonly toRefine = new Map<string, Pick<ReplicaEntry, 'kind' | 'id'>>();
  private refineTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private readonly timers: NodeJS.Timeout[] = [];
  private waiters: (() => void)[] = [];
  private stopped = false;
  private failures = 0;
  /** Completed full reads; for tests and the bench. */
  loads = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly connection: RedisClient,
    private readonly options: RevocationSyncOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.subscription = new IssuerEventsSubscription(
      connection,
      options.prefix,
      {
        event: (event) => this.onEvent(event),
        resync: () => this.load(),
        connectionChanged: (connected) => (connected ? undefined : this.markStale()),
      },
      this.logger,
    );
  }

  /** Whether requests are answered from memory. */
  isCurrent(): boolean {
    return this.current;
  }

  /** The replica's verdict, or undefined while it cannot prove it is current (look Redis up instead). */
  verdict(claims: Pick<AccessTokenClaims, 'jti' | 'sub' | 'iat' | 'sid'>): ReplicaVerdict | undefined {
    return this.current ? this.replica.check(claims, this.now()) : undefined;
  }

  /** Subscribes and loads; resolves once current or after `waitMs`, whichever is first. */
  async start(waitMs = 0): Promise<void> {
    this.redis.on('close', () => this.markStale());
    this.redis.on('ready', () => this.subscription.isSubscribed() && this.load());
    const every = (ms: number, run: () => void) => this.timers.push(setInterval(run, ms).unref());
    every(this.options.sweepIntervalMs ?? 10_000, () => this.replica.sweep(this.now()));
    every(this.options.fullReadIntervalMs ?? 300_000, () => this.current && this.load());
    const ready = new Promise<void>((resolve) => this.waiters.push(resolve));
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
    void this.subscription.start(0);
    await Promise.race([ready, waited]).finally(() => clearTimeout(timer));
  }

  stop(): void {
    this.stopped = true;
    this.current = false;
    this.subscription.stop();
    for (const timer of [...this.timers, this.refineTimer, this.retryTimer]) clearTimeout(timer);
    this.connection.disconnect();
  }

  /** Handles one raw message as if it came from the channel (tests). */
  handle(raw: string): void {
    this.subscription.handle(raw);
  }

  private onEvent(event: IssuerEvent): void {
    if (event.type === 'key-revoked') return this.options.onKeyRevoked?.(event.kid);
    const pending = this.replica.apply(event);
    if (!pending) return;
    if (this.loading) this.duringLoad.push(event);
    this.queueRefine(pending);
  }

  private markStale(): void {
    this.epoch++;
    this.current = false;
  }

  /** A full read; a second request during one runs after it (its result may predate what was asked for). */
  private load(): void {
    if (this.stopped) return;
    if (this.loading) {
      this.reloadWanted = true;
      return;
    }
    this.loading = true;
    this.duringLoad = [];
    const epoch = this.epoch;
    loadReplica(this.redis, this.options.prefix, this.options.requireSeed, this.now)
      .then((fresh) => {
        // A disconnect during the read: events may have been lost after it started; the next subscription reads again.
        if (epoch !== this.epoch || !this.subscription.isSubscribed() || this.stopped) return;
        for (const event of this.duringLoad) {
          const pending = fresh.apply(event);
          if (pending) this.queueRefine(pending);
        }
        this.replica.replaceWith(fresh);
        this.loads++;
        this.failures = 0;
        this.current = true;
        for (const resolve of this.waiters.splice(0)) resolve();
      })
      .catch((error: unknown) => {
        // One line per failure streak, not one per retry.
        if (this.failures++ === 0)
          this.logger.warn(`revocation replica not loaded (${error instanceof Error ? error.message : String(error)}); checking Redis per request meanwhile`);
        this.retryTimer = setTimeout(() => this.subscription.isSubscribed() && this.load(), this.options.retryMs ?? 1000).unref();
      })
      .finally(() => {
        this.loading = false;
        this.duringLoad = [];
        if (this.reloadWanted) {
          this.reloadWanted = false;
          this.load();
        }
      });
  }

  /** Events carry no TTL: read it from Redis in batches, after the entry already refuses. */
  private queueRefine(entry: Pick<ReplicaEntry, 'kind' | 'id'>): void {
    this.toRefine.set(`${entry.kind}:${entry.id}`, entry);
    this.refineTimer ??= setTimeout(() => void this.refine(), 0);
  }

  private async refine(): Promise<void> {
    const batch = [...this.toRefine.values()].slice(0, REFINE_BATCH);
    const keys = redisKeys(this.options.prefix);
    const keyOf = (e: (typeof batch)[number]) =>
      e.kind === 'jti' ? keys.deniedJti(e.id) : e.kind === 'sid' ? keys.endedSession(e.id) : keys.subjectCutoff(e.id);
    let retry = 0;
    try {
      const pipeline = this.redis.pipeline();
      for (const entry of batch) pipeline.pttl(keyOf(entry));
      const replies = (await pipeline.exec()) ?? [];
      const at = this.now();
      batch.forEach((entry, i) => {
        const [error, ttl] = replies[i] ?? [new Error('no reply')];
        if (error) return;
        this.toRefine.delete(`${entry.kind}:${entry.id}`);
        // -1 (no TTL) stays until a full read; -2 (already gone from Redis) goes, as it has for a per-request lookup.
        if (ttl !== -1) this.replica.refine(entry.kind, entry.id, ttl === -2 ? at : at + (ttl as number) + EXPIRY_MARGIN_MS);
      });
    } catch {
      // Unrefined entries keep refusing (expiry unknown): the safe side. Retried shortly.
      retry = this.options.retryMs ?? 1000;
    }
    this.refineTimer = undefined;
    if (this.toRefine.size > 0 && !this.stopped) this.refineTimer = setTimeout(() => void this.refine(), retry).unref();
  }
}
