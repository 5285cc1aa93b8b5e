import { isRedisDescription, type RedisClient } from '@app/platform';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { KEY_EVENTS, KEY_SOURCE, RESOLVED_OPTIONS, REVOCATION_REDIS, REVOCATION_SYNC } from './auth-guard.constants';
import type { ResolvedGuardOptions } from './auth-guard.module-definition';
import type { KeySource } from './keys/key-source';
import { RemoteKeySet } from './keys/remote-key-set';
import type { KeyEventsSubscriber } from './push/key-events.subscriber';
import type { RevocationSync } from './revocation/revocation.sync';

/**
 * Subscribes to key events and prewarms the key set at start, without blocking start on an absent
 * issuer for longer than one fetch timeout (readiness reports it instead); releases everything at stop.
 */
@Injectable()
export class AuthGuardLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    @Inject(KEY_SOURCE) private readonly keys: KeySource,
    @Inject(REVOCATION_REDIS) private readonly redis: RedisClient | null,
    @Inject(KEY_EVENTS) private readonly events: KeyEventsSubscriber | null,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedGuardOptions,
    @Inject(REVOCATION_SYNC) private readonly revocation: RevocationSync | null,
  ) {}

  async onModuleInit(): Promise<void> {
    // Both bounded by the fetch timeout: an absent issuer or Redis delays start by at most that much.
    const subscribed = this.events?.start(this.options.fetchTimeoutMs);
    // The denylist replica loads meanwhile; until it is current, requests look Redis up as without it.
    const replicated = this.revocation?.start(this.options.fetchTimeoutMs);
    if (this.keys instanceof RemoteKeySet) {
      this.keys.start();
      await this.keys.refresh().catch(() => this.logger.warn(`issuer keys not loaded yet from ${this.options.issuer}; answering 503 until they are`));
    }
    await Promise.all([subscribed, replicated]);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.keys instanceof RemoteKeySet) this.keys.stop();
    await this.events?.stop();
    this.revocation?.stop();
    // Only a client the module created itself is closed here; a passed-in client belongs to the app.
    if (this.redis && this.options.redis && isRedisDescription(this.options.redis)) await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
