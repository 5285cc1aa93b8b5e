import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One refresh token; only its SHA-256 hash is stored. Tokens from one login share a family. */
@Entity('refresh_tokens')
export class RefreshTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index({ unique: true })
  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Index()
  @Column({ name: 'family_id', type: 'uuid' })
  familyId: string;

  @Index()
  @Column({ name: 'subject', type: 'text' })
  subject: string;

  /** Set for client-bound tokens; null for first-party logins. */
  @Column({ name: 'client_id', type: 'text', nullable: true })
  clientId: string | null;

  @Column({ type: 'text', default: '' })
  scope: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'spent_at', type: 'timestamptz', nullable: true })
  spentAt: Date | null;

  /** The access token issued with this refresh token (null before migration 1764500000000); denied when this one is rotated. */
  @Column({ name: 'access_jti', type: 'text', nullable: true })
  accessJti: string | null;

  @Column({ name: 'access_expires_at', type: 'timestamptz', nullable: true })
  accessExpiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
