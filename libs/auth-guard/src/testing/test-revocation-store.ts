import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { IssuerEvent, redisKeys } from '@app/contract';
import { issuerEventsRoute, publishIssuerEvent } from '@app/platform/issuer-events.channel';

/**
 * An in-memory revocation store for tests (ioredis-mock, private to this instance), written the way the
 * issuer writes Redis. Pass `redis` to AuthGuardModule's `redis` option; production needs a real Redis.
 *
 * @example
 * const revocation = TestRevocationStore.create();
 * AuthGuardModule.forRoot({ issuer, audience, keySource, redis: revocation.redis });
 * await revocation.denyJti(jti); // that token now gets 401
 */
export class TestRevocationStore {
  private readonly keys: ReturnType<typeof redisKeys>;

  private constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {
    this.keys = redisKeys(prefix);
  }

  /** `prefix` must equal the guard's `redisPrefix` (default ''). */
  static create(prefix = ''): TestRevocationStore {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const RedisMock = require('ioredis-mock') as typeof Redis;
    // ioredis-mock shares data between clients of one host and port; a host of our own keeps this store apart.
    return new TestRevocationStore(new RedisMock({ host: `test-revocation-${randomBytes(6).toString('hex')}`, port: 6379 }), prefix);
  }

  /** Denylists one token (`jti`), as logout does. */
  async denyJti(jti: string): Promise<void> {
    await this.redis.set(this.keys.deniedJti(jti), '1');
    await this.publish({ type: 'token-denied', jti });
  }

  /** Ends a session (`sid`): every token minted for it is refused. */
  async endSession(sid: string): Promise<void> {
    await this.redis.set(this.keys.endedSession(sid), '1');
    await this.publish({ type: 'session-ended', sid });
  }

  /** Log-out-everywhere: tokens of `sub` issued at or before `atSeconds` are refused. */
  async cutOffSubject(sub: string, atSeconds = Math.floor(Date.now() / 1000)): Promise<void> {
    await this.redis.set(this.keys.subjectCutoff(sub), String(atSeconds));
    await this.publish({ type: 'subject-cutoff', sub, at: atSeconds });
  }

  /** Sets the issuer's seed marker, for guards with `requireRevocationSeed`. */
  async markSeeded(): Promise<void> {
    await this.redis.set(this.keys.revocationSeeded, '1');
  }

  /** Like the issuer: the store is written first, then the event tells every guard's replica. */
  private async publish(event: IssuerEvent): Promise<void> {
    await publishIssuerEvent(this.redis, issuerEventsRoute(this.redis, this.prefix), event);
  }

  close(): void {
    this.redis.disconnect();
  }
}
