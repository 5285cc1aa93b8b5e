import { FaultError, issuerEventsRoute, publishIssuerEvent, queueIssuerEvent, type IssuerEventsRoute, type RedisClient } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IssuerEvent, redisKeys, REVOCATION_TTL_MARGIN_SECONDS } from '@app/contract';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';
import { ISSUER_REDIS } from '../redis/issuer-redis';
import { ENDED_SESSION_MARK, RevocationJournal } from './revocation.journal';

/**
 * Writes what guards check on every request: denied jtis and per-subject cut-offs, in Redis (what guards read)
 * and in PostgreSQL (what survives a Redis that loses its data). Either write failing fails the call (503).
 * PostgreSQL first: a Redis that restarts empty between the two writes is re-seeded from a journal that
 * already holds the entry, or receives it from the second write; Redis first, a re-seed in between lost it.
 */
@Injectable()
export class RevocationWriter {
  private readonly keys: ReturnType<typeof redisKeys>;
  private readonly events: IssuerEventsRoute;

  constructor(
    @Inject(ISSUER_REDIS) private readonly redis: RedisClient,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    private readonly journal: RevocationJournal,
  ) {
    this.keys = redisKeys(config.redisPrefix);
    this.events = issuerEventsRoute(redis, config.redisPrefix);
  }

  /** Denies one access token until its `exp` plus the largest tolerance a guard may apply (SETEX jti:<id>). */
  async denyAccessToken(jti: string, exp: number, manager?: EntityManager): Promise<void> {
    const ttl = denialTtlSeconds(exp);
    await this.journal.recordJti(jti, ttl, manager);
    await this.announceDeniedAccessToken(jti, ttl);
  }

  /** The Redis half of denyAccessToken, for a rotation whose own statement journaled the entry (same `ttl`). */
  async announceDeniedAccessToken(jti: string, ttl: number): Promise<void> {
    await this.writeAndAnnounce(this.keys.deniedJti(jti), ttl, '1', { type: 'token-denied', jti });
  }

  /** Refuses every access token minted for the session (refresh family) `sid`, for as long as one can live. */
  async endSession(sid: string): Promise<void> {
    const ttl = this.config.accessTokenTtl + REVOCATION_TTL_MARGIN_SECONDS;
    await this.journal.recordJti(`${ENDED_SESSION_MARK}${sid}`, ttl);
    await this.writeAndAnnounce(this.keys.endedSession(sid), ttl, '1', { type: 'session-ended', sid });
  }

  /** Refuses every token of `sub` issued at or before `at` (seconds), for as long as such a token can live. */
  async cutOffSubject(sub: string, at: number): Promise<void> {
    const ttl = this.config.accessTokenTtl + REVOCATION_TTL_MARGIN_SECONDS;
    await this.journal.recordCutoff(sub, at, ttl);
    await this.writeAndAnnounce(this.keys.subjectCutoff(sub), ttl, String(at), { type: 'subject-cutoff', sub, at });
  }

  /**
   * The entry and its event in one MULTI: a guard's in-memory replica that stays connected can never see the
   * write without the event (it would trust its replica and accept the token until the next full read). In a Cluster
   * the sharded channel shares the key's slot, which a MULTI requires.
   */
  private async writeAndAnnounce(key: string, ttl: number, value: string, event: IssuerEvent): Promise<void> {
    await this.guarded(async () => {
      const replies = await queueIssuerEvent(this.redis.multi().setex(key, ttl, value), this.events, event).exec();
      if (!replies) throw new FaultError('ERR_INTERNAL', 'revocation transaction discarded');
      const failed = replies.find(([error]) => error)?.[0];
      if (failed) throw failed;
    });
  }

  async publish(event: IssuerEvent): Promise<void> {
    await publishIssuerEvent(this.redis, this.events, event).catch(() => undefined);
  }

  private async guarded(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch {
      // Recorded in PostgreSQL already: it takes effect if Redis comes back empty (re-seed); a retry makes sure either way.
      throw new IssuerError('temporarily_unavailable', 'revocation store unavailable; retry to make sure the token is revoked', 5);
    }
  }
}

/** Seconds a denied jti must stay denied: until its `exp`, plus the largest tolerance a guard may apply. */
export function denialTtlSeconds(exp: number): number {
  return Math.max(1, exp - Math.floor(Date.now() / 1000)) + REVOCATION_TTL_MARGIN_SECONDS;
}
