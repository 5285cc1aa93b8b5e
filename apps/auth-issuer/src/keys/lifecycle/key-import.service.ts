import { Inject, Injectable } from '@nestjs/common';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { IssuerError } from '../../errors/issuer.error';
import { CLOCK, Clock } from '../../core/clock';
import { KeyActor, KeyChange, KeyChangeTransaction } from './key-change.transaction';
import { ImportKeyRequest, readImportedKey } from '../material/key-import.parser';
import { keyPairOf } from '../material/key-pair.factory';
import { activationTime, pendingInOrder } from './key-plan';
import { KeyRotationService } from './key-rotation.service';
import { keyTiming, later, plus } from './key-timing';
import type { KeyState } from '../store/signing-key.entity';
import { SigningKeyStore } from '../store/signing-key.store';

export interface ImportResult {
  kid: string;
  alg: string;
  state: KeyState;
  activate_after: string | null;
}

/**
 * Brings an existing private key (migration from another issuer) into the lifecycle. By default it
 * becomes the next key: it replaces a generated pending key (which never signed) and signs at the next
 * rotation. With `activate` it signs at once.
 */
@Injectable()
export class KeyImportService {
  constructor(
    private readonly store: SigningKeyStore,
    private readonly rotation: KeyRotationService,
    private readonly keyChange: KeyChangeTransaction,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async import(request: ImportKeyRequest, actor: KeyActor): Promise<ImportResult> {
    const { kid, alg, privateKey } = readImportedKey(request);
    const pair = await keyPairOf(privateKey, kid, alg);
    const timing = keyTiming(this.config);
    let result: ImportResult | undefined;
    await this.keyChange.run(actor, async (manager) => {
      const now = this.clock.now();
      if (await this.store.findByKid(manager, kid)) throw new IssuerError('conflict', `a key with kid ${kid} exists`);
      const same = await this.store.findSameKeyMaterial(manager, pair.publicJwk);
      if (same) {
        const what = same.revokedAt ? 'was revoked: a revoked key can never be imported again' : `is known (state ${same.state}); a key is imported once`;
        throw new IssuerError('conflict', `this key material (same RFC 7638 thumbprint) is key ${same.kid}, which ${what}`);
      }
      const rows = await this.store.findPublished(manager);
      const active = rows.find((row) => row.state === 'active');
      const done: KeyChange[] = [];
      const [pending] = pendingInOrder(rows, timing);
      if (request.activate) {
        await this.rotation.retireActive(manager, now, done);
        await this.store.insert(manager, pair, { state: 'active', now, origin: 'imported' });
        done.push({ type: 'key_activated', kid, details: { alg } });
        // The next key keeps its publication but waits a full interval behind the imported one.
        if (pending) await this.store.reschedule(manager, pending.kid, later(activationTime(pending, timing), plus(now, timing.rotationIntervalMs)));
      } else {
        if (pending?.origin === 'imported')
          throw new IssuerError('conflict', `imported key ${pending.kid} is already pending; revoke it or let it activate first`);
        if (pending) {
          await this.store.remove(manager, pending.kid, now);
          done.push({ type: 'key_removed', kid: pending.kid, details: { reason: `superseded by imported key ${kid}` } });
        }
        const due = active?.activatedAt ? plus(active.activatedAt, timing.rotationIntervalMs) : now;
        await this.store.insert(manager, pair, { state: 'pending', now, activateAfter: later(plus(now, timing.leadMs), due), origin: 'imported' });
      }
      const row = (await this.store.findByKid(manager, kid))!;
      result = { kid, alg, state: row.state, activate_after: row.activateAfter?.toISOString() ?? null };
      done.unshift({ type: 'key_imported', kid, details: { alg, activate: request.activate } });
      return [...done, ...(await this.rotation.applyDue(manager, now))];
    });
    return result!;
  }
}
