import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { KEY_SOURCE, REVOCATION_REDIS } from './auth-guard.constants';
import type { KeySource } from './keys/key-source';

export interface GuardReadiness {
  keys: 'loaded' | 'missing';
  redis: 'up' | 'down' | 'unused';
}

/** Readiness of the guard: keys loaded, revocation store reachable. */
@Injectable()
export class AuthGuardHealth {
  constructor(
    @Inject(KEY_SOURCE) private readonly keys: KeySource,
    @Inject(REVOCATION_REDIS) private readonly redis: Redis | null,
  ) {}

  async check(): Promise<GuardReadiness> {
    const keys = this.keys.isReady() ? 'loaded' : 'missing';
    if (!this.redis) return { keys, redis: 'unused' };
    const redis = await this.redis.ping().then(() => 'up' as const, () => 'down' as const);
    return { keys, redis };
  }
}
