import { Get, Query } from '@nestjs/common';
import { AdminController } from '../admin/admin-api.decorator';
import { AuditEventsReader, AuditEventView } from '../audit/audit-events.reader';
import { parseAuditQuery } from './audit-query.parser';

/** GET /admin/audit/events: recent security events for the operator console (admin role, admin-audience token). */
@AdminController('audit')
export class AuditEventsController {
  constructor(private readonly reader: AuditEventsReader) {}

  @Get('events')
  async events(@Query() query: unknown): Promise<{ events: AuditEventView[] }> {
    return { events: await this.reader.recent(parseAuditQuery(query)) };
  }
}
