import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One security event. Never holds a token, password or key: only ids and outcomes. */
@Entity('audit_events')
export class AuditEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;
}
