import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One sign-in at the issuer, shared by every app the browser visits; the cookie holds a secret whose SHA-256 is `tokenHash`. */
@Entity('sso_sessions')
export class SsoSessionEntity {
  /** The `sid` of the ID tokens issued in this session. */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'token_hash', type: 'text', unique: true })
  tokenHash: string;

  @Column({ type: 'text' })
  subject: string;

  @Column({ name: 'auth_time', type: 'timestamptz' })
  authTime: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}

/** A token grant (refresh family, or a lone access token's `sid`) made under an SSO session: logout ends each. */
@Entity('sso_session_grants')
export class SsoSessionGrantEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @PrimaryColumn({ name: 'grant_id', type: 'uuid' })
  grantId: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
