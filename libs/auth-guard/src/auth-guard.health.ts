import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { KEY_EVENTS, KEY_SOURCE, REVOCATION_REDIS } from './auth-guard.constants';
import type { KeySource } from './keys/key-source';
import type { KeyEventsSubscriber } from './push/key-events.subscriber';

export interface GuardReadiness {
  /** Keys loaded and the revocation store (if any) answering; events are informative. */
  ready: boolean;
  /** Whether a key set is loaded; without one every token gets 503. */
  keys: 'loaded' | 'missing';
  /** The revocation store; down means 503 on every route not marked @RevocationFailOpen(). */
  redis: 'up' | 'down' | 'unused';
  /** The issuer's key-event channel; down means the JWKS is polled every cooldown instead. */
  events: 'subscribed' | 'down' | 'unused';
}

/** Readiness of the guard: keys loaded, revocation store reachable, key events arriving. */
@Injectable()
export class AuthGuardHealth {
  constructor(
    @Inject(KEY_SOURCE) private readonly keys: KeySource,
    @Inject(REVOCATION_REDIS) private readonly redis: Redis | null,
    @Inject(KEY_EVENTS) private readonly events: KeyEventsSubscriber | null,
  ) {}

  async check(): Promise<GuardReadiness> {
    const keys = this.keys.isReady() ? 'loaded' : 'missing';
    const events = !this.events ? 'unused' : this.events.isSubscribed() ? 'subscribed' : 'down';
    const redis = !this.redis ? 'unused' : await this.redis.ping().then(() => 'up' as const, () => 'down' as const);
    return { ready: keys === 'loaded' && redis !== 'down', keys, redis, events };
  }
}
