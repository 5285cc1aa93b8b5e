import { Injectable, Logger, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditLog } from '../../audit/audit-log.service';
import type { AuditDetails, AuditEventType } from '../../audit/audit-event.types';
import { IssuerError } from '../../errors/issuer.error';
import { KeyEventsPublisher } from '../events/key-events.publisher';
import { SigningKeyStore } from '../store/signing-key.store';
import { SigningKeysService } from '../ring/signing-keys.service';

/** One committed state change of one key, as it goes to the audit log. */
export interface KeyChange {
  type: Extract<AuditEventType, `key_${string}`>;
  kid: string;
  details?: AuditDetails;
}

/** Who asked for a change: an admin over HTTP, an operator at the CLI, or the scheduler. */
export interface KeyActor {
  subject: string | null;
  via: 'api' | 'cli' | 'schedule' | 'startup';
}

/**
 * Runs every key change: under the cluster-wide key lock, with its audit records in the same transaction
 * (a crash after the commit cannot leave a change unaudited, nor a rolled-back one audited). After the
 * commit this replica swaps its key ring at once and the others and the guards are told over Redis.
 */
@Injectable()
export class KeyChangeTransaction {
  private readonly logger = new Logger('KeyChanges');

  constructor(
    private readonly store: SigningKeyStore,
    private readonly audit: AuditLog,
    private readonly events: KeyEventsPublisher,
    // Absent in the CLI, which holds no key ring.
    @Optional() private readonly keys?: SigningKeysService,
  ) {}

  /** `work` returns the changes it made; `revokedKids` are announced as revoked once committed. */
  async run(actor: KeyActor, work: (manager: EntityManager) => Promise<KeyChange[]>, revokedKids: string[] = []): Promise<KeyChange[]> {
    let changes: KeyChange[];
    try {
      changes = await this.store.withKeyLock(async (manager) => {
        const done = await work(manager);
        for (const change of done) await this.audit.insertIn(manager, change.type, actor.subject, detailsOf(change, actor));
        return done;
      });
    } catch (error) {
      // A refusal rolled back for sure; a lost connection may have lost only the COMMIT's answer.
      if (!(error instanceof IssuerError)) await this.resync();
      throw error;
    }
    await this.committed(changes, actor, revokedKids);
    return changes;
  }

  private async committed(changes: KeyChange[], actor: KeyActor, revokedKids: string[]): Promise<void> {
    if (changes.length === 0) return;
    await this.keys?.reload().catch((error) => this.logger.warn(`key ring reload failed; the periodic reload will retry: ${describe(error)}`));
    for (const kid of revokedKids) await this.events.publish({ type: 'key-revoked', kid });
    await this.events.publish({ type: 'keys-changed' });
    for (const change of changes) this.audit.logLine(change.type, actor.subject, detailsOf(change, actor));
  }

  /**
   * After a key transaction failed in a way that may hide a commit: re-read the table and, if it changed,
   * announce it, so this replica does not sign with a revoked or retired key until its next periodic reload.
   * Never `key-revoked`: announcing a revocation that did not happen would make guards distrust a live key.
   */
  private async resync(): Promise<void> {
    const changed = await this.keys?.reload().catch(() => false);
    if (changed) await this.events.publish({ type: 'keys-changed' });
  }
}

function detailsOf(change: KeyChange, actor: KeyActor): AuditDetails {
  return { kid: change.kid, via: actor.via, ...change.details };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
