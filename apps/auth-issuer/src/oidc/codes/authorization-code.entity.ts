import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An issued authorization code; only its SHA-256 is stored. Bound to client, redirect URI and PKCE challenge. */
@Entity('authorization_codes')
export class AuthorizationCodeEntity {
  @PrimaryColumn({ name: 'code_hash', type: 'text' })
  codeHash: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri: string;

  /** BASE64URL(SHA-256(code_verifier)); S256 is the only method accepted. */
  @Column({ name: 'code_challenge', type: 'text' })
  codeChallenge: string;

  @Column({ type: 'text' })
  subject: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ type: 'text' })
  scope: string;

  @Column({ type: 'text', nullable: true })
  nonce: string | null;

  @Column({ name: 'auth_time', type: 'timestamptz' })
  authTime: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'redeemed_at', type: 'timestamptz', nullable: true })
  redeemedAt: Date | null;

  /** The grant the redemption produced, revoked if the code is presented again. */
  @Column({ name: 'grant_id', type: 'uuid', nullable: true })
  grantId: string | null;
}
