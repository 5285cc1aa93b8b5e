import { Column, Entity, PrimaryColumn } from 'typeorm';

export type KeyState = 'pending' | 'active' | 'retired' | 'removed';
export type KeyOrigin = 'generated' | 'imported';

@Entity('signing_keys')
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'text' })
  kid: string;

  @Column({ type: 'text' })
  alg: string;

  @Column({ type: 'text' })
  state: KeyState;

  /** Public JWK only; safe to publish. */
  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: Record<string, unknown>;

  /** AES-256-GCM envelope of the PKCS#8 private key; null once removed. */
  @Column({ name: 'private_key_encrypted', type: 'text', nullable: true })
  privateKeyEncrypted: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When a pending key may start signing (published at least one JWKS cache lifetime before). */
  @Column({ name: 'activate_after', type: 'timestamptz', nullable: true })
  activateAfter: Date | null;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;

  /** When a retired key may leave the JWKS: the last token it signed has expired. */
  @Column({ name: 'remove_after', type: 'timestamptz', nullable: true })
  removeAfter: Date | null;

  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt: Date | null;

  /** Set when an operator revoked the key (compromise); it left the JWKS at once. */
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'text', default: 'generated' })
  origin: KeyOrigin;
}
