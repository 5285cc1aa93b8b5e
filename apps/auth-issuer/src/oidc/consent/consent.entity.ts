import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What one user allowed one (non-first-party) client: one row per pair; its scopes only grow. */
@Entity('oidc_consents')
export class ConsentEntity {
  @PrimaryColumn({ type: 'text' })
  subject: string;

  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  @Column({ name: 'granted_at', type: 'timestamptz' })
  grantedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
