import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { IssuerError } from '../../errors/issuer.error';
import { CLOCK, Clock } from '../../core/clock';
import { KeyActor, KeyChange, KeyChangeTransaction } from './key-change.transaction';
import { GeneratedKeyPair, generateKeyPair } from '../material/key-pair.factory';
import { isIdle, pendingInOrder, planTick } from './key-plan';
import { keyTiming, KeyTiming, plus } from './key-timing';
import { SigningKeyEntity } from '../store/signing-key.entity';
import { SigningKeyStore } from '../store/signing-key.store';

export interface RotationResult {
  /** The key that signs from now on. */
  kid: string;
  retired_kid: string | null;
  /** How long verifiers have had the new key in the JWKS before its first token. */
  published_seconds: number;
  /** Published for at least JWKS max-age + reload interval: every verifier honouring max-age holds it. */
  prepublished: boolean;
}

/**
 * Decides when keys change state. Every decision is made inside the cluster-wide key lock from the
 * stored timestamps and CLOCK, so replicas never rotate at once and a restart resumes where the table says.
 */
@Injectable()
export class KeyRotationService {
  private readonly timing: KeyTiming;

  constructor(
    private readonly store: SigningKeyStore,
    private readonly keyChange: KeyChangeTransaction,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.timing = keyTiming(config);
  }

  /** Applies whatever is due now: activation of the next key, removal of expired ones, publication of the next one. */
  async tick(actor: KeyActor): Promise<KeyChange[]> {
    return this.keyChange.run(actor, (manager) => this.applyDue(manager, this.clock.now()));
  }

  /**
   * Rotates now (contract: 200 with the kid that signs from now on). It promotes the pending key, which
   * is normally published for a whole rotation interval, so verifiers already hold it; `prepublished` is
   * false only when it is younger than max-age + reload (a rotation right after another one, or right
   * after first start), when verifiers without push learn it by one JWKS refetch on its first token.
   */
  async rotateNow(actor: KeyActor): Promise<RotationResult> {
    let result: RotationResult | undefined;
    // Generated before taking the lock, so concurrent rotations wait for each other's row updates only.
    const nextPair = await generateKeyPair(this.config.signingAlgorithm);
    await this.keyChange.run(actor, async (manager) => {
      const now = this.clock.now();
      const done = await this.applyDue(manager, now);
      const [next] = pendingInOrder(await this.store.findPublished(manager), this.timing);
      if (!next) throw new IssuerError('temporarily_unavailable', 'no next key could be prepared');
      const publishedMs = now.getTime() - next.createdAt.getTime();
      const retired = await this.promote(manager, next, now, done);
      const pending = await this.generate(manager, 'pending', now, plus(now, Math.max(this.timing.leadMs, this.timing.rotationIntervalMs)), nextPair);
      const published_seconds = Math.floor(publishedMs / 1000);
      const prepublished = publishedMs >= this.timing.minPublicationMs;
      result = { kid: next.kid, retired_kid: retired, published_seconds, prepublished };
      const rotated: KeyChange = { type: 'key_rotated', kid: next.kid, details: { retired_kid: retired, published_seconds, prepublished } };
      return [...done, pending, rotated];
    });
    return result!;
  }

  /**
   * Emergency: the key leaves the JWKS and loses its private half at once. If it was signing, the pending
   * key (already published) takes over at once, compromise outweighing its age; failing that a new key.
   */
  async revoke(kid: string, actor: KeyActor): Promise<{ revoked: string; kid: string }> {
    let signer = '';
    const revokeNow = async (manager: EntityManager): Promise<KeyChange[]> => {
      const now = this.clock.now();
      const row = await this.store.findByKid(manager, kid);
      if (!row) throw new IssuerError('not_found', 'no key with this kid');
      if (row.state === 'removed') throw new IssuerError('conflict', `key ${kid} is already removed`);
      await this.store.remove(manager, kid, now, true);
      const done: KeyChange[] = [{ type: 'key_revoked', kid, details: { previous_state: row.state } }];
      const [next] = pendingInOrder(await this.store.findPublished(manager), this.timing);
      if (row.state === 'active' && next) {
        await this.store.activate(manager, next.kid, now);
        done.push({ type: 'key_activated', kid: next.kid, details: { reason: 'revocation', replaces: kid } });
      }
      done.push(...(await this.applyDue(manager, now)));
      signer = (await this.store.findPublished(manager)).find((r) => r.state === 'active')?.kid ?? '';
      return done;
    };
    await this.keyChange.run(actor, revokeNow, [kid]);
    return { revoked: kid, kid: signer };
  }

  /** The tick's work, for callers that already hold the key lock. */
  async applyDue(manager: EntityManager, now: Date): Promise<KeyChange[]> {
    const plan = planTick(await this.store.findPublished(manager), now, this.timing, this.config.signingAlgorithm);
    if (isIdle(plan)) return [];
    const changes: KeyChange[] = [];
    for (const row of plan.remove) {
      await this.store.remove(manager, row.kid, now);
      changes.push({ type: 'key_removed', kid: row.kid, details: { reason: 'expired' } });
    }
    if (plan.replacePending) {
      await this.store.remove(manager, plan.replacePending.kid, now);
      changes.push({ type: 'key_removed', kid: plan.replacePending.kid, details: { reason: `SIGNING_ALG is now ${this.config.signingAlgorithm}` } });
    }
    if (plan.activate) await this.promote(manager, plan.activate, now, changes);
    if (plan.generateActive) {
      const generated = await this.generate(manager, 'active', now);
      changes.push(generated, { type: 'key_activated', kid: generated.kid, details: { alg: generated.details?.alg } });
    }
    if (plan.generatePending) changes.push(await this.generate(manager, 'pending', now, plan.generatePending.activateAfter));
    return changes;
  }

  /** Retires the active key (if any) and lets `next` sign; returns the retired kid. */
  async promote(manager: EntityManager, next: SigningKeyEntity, now: Date, changes: KeyChange[]): Promise<string | null> {
    const retired = await this.retireActive(manager, now, changes);
    await this.store.activate(manager, next.kid, now);
    changes.push({ type: 'key_activated', kid: next.kid, details: { alg: next.alg } });
    return retired;
  }

  /** The active key stops signing and stays published until its last token has expired. */
  async retireActive(manager: EntityManager, now: Date, changes: KeyChange[]): Promise<string | null> {
    const active = (await this.store.findPublished(manager)).find((row) => row.state === 'active');
    if (!active) return null;
    const removeAfter = plus(now, this.timing.removalDelayMs);
    await this.store.retire(manager, active.kid, now, removeAfter);
    changes.push({ type: 'key_retired', kid: active.kid, details: { remove_after: removeAfter.toISOString() } });
    return active.kid;
  }

  private async generate(manager: EntityManager, state: 'active' | 'pending', now: Date, activateAfter?: Date, ready?: GeneratedKeyPair): Promise<KeyChange> {
    const pair = ready ?? (await generateKeyPair(this.config.signingAlgorithm));
    await this.store.insert(manager, pair, { state, now, activateAfter });
    const details = { alg: pair.alg, state, activate_after: activateAfter?.toISOString() };
    return { type: 'key_generated', kid: pair.kid, details };
  }
}
