import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A registered confidential client. The secret exists only as an argon2id hash. */
@Entity('clients')
export class ClientEntity {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ name: 'secret_hash', type: 'text' })
  secretHash: string;

  @Column({ name: 'allowed_scopes', type: 'text', array: true, default: () => "'{}'" })
  allowedScopes: string[];

  @Column({ name: 'allowed_audiences', type: 'text', array: true, default: () => "'{}'" })
  allowedAudiences: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  /** Token exchange (RFC 8693): services this client may obtain user tokens for; empty: it may not exchange. */
  @Column({ name: 'exchange_audiences', type: 'text', array: true, default: () => "'{}'" })
  exchangeAudiences: string[];

  /** Token exchange: scopes an exchanged token may carry (never beyond the subject token's own). */
  @Column({ name: 'exchange_scopes', type: 'text', array: true, default: () => "'{}'" })
  exchangeScopes: string[];
}
