import type { RedisClient } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { redisKeys } from '@app/contract';
import { KEY_EVENTS, KEY_SOURCE, RESOLVED_OPTIONS, REVOCATION_REDIS } from './auth-guard.constants';
import type { ResolvedGuardOptions } from './auth-guard.module-definition';
import type { KeySource } from './keys/key-source';
import type { KeyEventsSubscriber } from './push/key-events.subscriber';

export interface GuardReadiness {
  /** Keys loaded and the revocation store (if any) answering; events are informative. */
  ready: boolean;
  /** Whether a key set is loaded; without one every token gets 503. */
  keys: 'loaded' | 'missing';
  /**
   * The revocation store; down means 503 on every route not marked @RevocationFailOpen().
   * `unseeded`: it answers but lost its data and the issuer has not re-seeded it yet (also 503).
   */
  redis: 'up' | 'down' | 'unseeded' | 'unused';
  /** The issuer's key-event channel; down means the JWKS is polled every cooldown instead. */
  events: 'subscribed' | 'down' | 'unused';
}

/** Readiness of the guard: keys loaded, revocation store reachable, key events arriving. */
@Injectable()
export class AuthGuardHealth {
  constructor(
    @Inject(KEY_SOURCE) private readonly keys: KeySource,
    @Inject(REVOCATION_REDIS) private readonly redis: RedisClient | null,
    @Inject(KEY_EVENTS) private readonly events: KeyEventsSubscriber | null,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedGuardOptions,
  ) {}

  async check(): Promise<GuardReadiness> {
    const keys = this.keys.isReady() ? 'loaded' : 'missing';
    const events = !this.events ? 'unused' : this.events.isSubscribed() ? 'subscribed' : 'down';
    const redis = await this.redisState();
    return { ready: keys === 'loaded' && (redis === 'up' || redis === 'unused'), keys, redis, events };
  }

  private async redisState(): Promise<GuardReadiness['redis']> {
    if (!this.redis) return 'unused';
    try {
      if (!this.options.requireRevocationSeed) return (await this.redis.ping()) ? 'up' : 'down';
      const seeded = await this.redis.exists(redisKeys(this.options.redisPrefix).revocationSeeded);
      return seeded ? 'up' : 'unseeded';
    } catch {
      return 'down';
    }
  }
}
