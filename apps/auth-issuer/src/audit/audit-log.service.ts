import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';
import type { AuditDetails, AuditEventType } from './audit-event.types';

const SECRET_LIKE = /token|password|secret|key_material|private/i;

/**
 * Records security events in PostgreSQL and as one structured log line each.
 * A failed insert is logged, never thrown: auditing must not turn a logout into a 500.
 */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger('Audit');
  private readonly listeners: Array<(type: AuditEventType) => void> = [];

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(type: AuditEventType, subject: string | null, details: AuditDetails = {}): Promise<void> {
    const clean = cleaned(details);
    this.logLine(type, subject, clean);
    try {
      await this.dataSource.manager.insert(AuditEventEntity, { at: new Date(), type, subject, details: clean as never });
    } catch (error) {
      this.logger.warn(`audit insert failed for ${type}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Inserts the event inside the caller's transaction, so it commits (or rolls back) with the change it
   * describes: a crash after the commit cannot leave the change unaudited. Errors abort the transaction.
   * Call `logLine` once the transaction has committed.
   */
  async insertIn(manager: EntityManager, type: AuditEventType, subject: string | null, details: AuditDetails = {}): Promise<void> {
    await manager.insert(AuditEventEntity, { at: new Date(), type, subject, details: cleaned(details) as never });
  }

  logLine(type: AuditEventType, subject: string | null, details: AuditDetails = {}): void {
    this.logger.log(JSON.stringify({ audit: type, sub: subject, ...cleaned(details) }));
    for (const listener of this.listeners) listener(type);
  }

  /** Hears each event once it is final (logged after its commit): the metrics count them. */
  onEvent(listener: (type: AuditEventType) => void): void {
    this.listeners.push(listener);
  }
}

function cleaned(details: AuditDetails): AuditDetails {
  return Object.fromEntries(Object.entries(details).filter(([k, v]) => v !== undefined && !SECRET_LIKE.test(k)));
}
