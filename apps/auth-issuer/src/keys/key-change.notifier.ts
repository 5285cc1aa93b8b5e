import { Injectable, Logger, Optional } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import type { AuditDetails, AuditEventType } from '../audit/audit-event.types';
import { KeyEventsPublisher } from './key-events.publisher';
import { SigningKeysService } from './signing-keys.service';

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
 * What follows a committed key change: this replica swaps its key ring at once, the others are told
 * over Redis (and re-read the table within KEY_RELOAD_INTERVAL if the message is lost), and each step is audited.
 */
@Injectable()
export class KeyChangeNotifier {
  private readonly logger = new Logger('KeyChanges');

  constructor(
    private readonly audit: AuditLog,
    private readonly events: KeyEventsPublisher,
    // Absent in the CLI, which holds no key ring.
    @Optional() private readonly keys?: SigningKeysService,
  ) {}

  async committed(changes: KeyChange[], actor: KeyActor, revokedKids: string[] = []): Promise<void> {
    if (changes.length === 0) return;
    await this.keys?.reload().catch((error) => this.logger.warn(`key ring reload failed; the periodic reload will retry: ${describe(error)}`));
    for (const kid of revokedKids) await this.events.publish({ type: 'key-revoked', kid });
    await this.events.publish({ type: 'keys-changed' });
    for (const change of changes) {
      await this.audit.record(change.type, actor.subject, { kid: change.kid, via: actor.via, ...change.details });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
