import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';
import type { AuditEventType } from './audit-event.types';

export interface AuditQuery {
  limit: number;
  type?: AuditEventType;
  /** Only events with a smaller id (paging backwards). */
  before?: string;
}

export interface AuditEventView {
  id: string;
  at: string;
  type: string;
  subject: string | null;
  details: Record<string, unknown>;
}

/** Recent security events, newest first (the operator console). Rows hold ids and outcomes only, never secrets. */
@Injectable()
export class AuditEventsReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async recent(query: AuditQuery): Promise<AuditEventView[]> {
    const select = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('e').orderBy('e.id', 'DESC').limit(query.limit);
    if (query.type) select.andWhere('e.type = :type', { type: query.type });
    if (query.before) select.andWhere('e.id < :before', { before: query.before });
    const rows = await select.getMany();
    return rows.map((row) => ({ id: String(row.id), at: row.at.toISOString(), type: row.type, subject: row.subject, details: row.details }));
  }
}
