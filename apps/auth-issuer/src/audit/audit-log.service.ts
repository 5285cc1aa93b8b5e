import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(type: AuditEventType, subject: string | null, details: AuditDetails = {}): Promise<void> {
    const clean = Object.fromEntries(Object.entries(details).filter(([k, v]) => v !== undefined && !SECRET_LIKE.test(k)));
    this.logger.log(JSON.stringify({ audit: type, sub: subject, ...clean }));
    try {
      await this.dataSource.manager.insert(AuditEventEntity, { at: new Date(), type, subject, details: clean as never });
    } catch (error) {
      this.logger.warn(`audit insert failed for ${type}: ${error instanceof Error ? error.message : error}`);
    }
  }
}
