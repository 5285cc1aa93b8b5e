import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { SecretHashAlg } from './client-secret.hasher';

export type ClientType = 'confidential' | 'public';

/**
 * A registered client. A confidential one proves itself with a secret, which exists only as a hash (keyed or argon2id);
 * a public one (a browser app) has none and may only use the code flow with PKCE.
 */
@Entity('clients')
export class ClientEntity {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ name: 'secret_hash', type: 'text', nullable: true })
  secretHash: string | null;

  /** How `secretHash` was made (ClientSecretHasher); meaningless for a public client. */
  @Column({ name: 'secret_hash_alg', type: 'text', default: 'argon2id' })
  secretHashAlg: SecretHashAlg;

  @Column({ name: 'client_type', type: 'text', default: 'confidential' })
  clientType: ClientType;

  /** Exact redirect URIs for the code flow; a loopback URI registered without a port accepts any port (RFC 8252 §7.3). */
  @Column({ name: 'redirect_uris', type: 'text', array: true, default: () => "'{}'" })
  redirectUris: string[];

  @Column({ name: 'post_logout_redirect_uris', type: 'text', array: true, default: () => "'{}'" })
  postLogoutRedirectUris: string[];

  /** First-party apps sign users in without a consent screen. */
  @Column({ name: 'first_party', type: 'boolean', default: false })
  firstParty: boolean;

  /** OpenID Back-Channel Logout 1.0: where this client receives logout tokens; null: it gets none. */
  @Column({ name: 'backchannel_logout_uri', type: 'text', nullable: true })
  backchannelLogoutUri: string | null;

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
