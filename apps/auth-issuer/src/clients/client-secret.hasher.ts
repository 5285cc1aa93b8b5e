import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { PasswordHasher } from '../users/password.hasher';

/**
 * How a client's secret is stored (`clients.secret_hash_alg`):
 * - `hmac-sha256`: HMAC-SHA-256 under a key derived from KEY_ENCRYPTION_KEY. Only for generated secrets
 *   (256 bits): nothing to guess offline, so a fast keyed hash protects them as well as argon2id does.
 * - `argon2id-rehash`: argon2id of a generated or pre-migration secret (the CLI has no KEY_ENCRYPTION_KEY);
 *   the issuer moves it to `hmac-sha256` on its next successful authentication.
 * - `argon2id`: argon2id of an operator-chosen secret (`--secret-stdin`: 32 characters may be a passphrase),
 *   kept as is.
 */
export type SecretHashAlg = 'hmac-sha256' | 'argon2id-rehash' | 'argon2id';

export interface StoredSecret {
  secretHash: string | null;
  secretHashAlg: SecretHashAlg;
}

export interface SecretCheck {
  ok: boolean;
  /** A keyed hash to store in place of an `argon2id-rehash` one that just verified. */
  rehash?: StoredSecret & { secretHash: string };
}

/** HKDF label: domain-separates this key from the CSRF keys derived from the same KEY_ENCRYPTION_KEY. */
const KEY_LABEL = 'token-backbone client secret hmac v1';
const KEYED_PREFIX = 'v1$';

/** Hashes and checks client secrets; without a key (the CLI) every secret is stored with argon2id. */
export class ClientSecretHasher {
  private readonly key: Buffer | undefined;
  /** Keys the MAC run for an unknown client (so it takes the keyed path's time) and in a keyless process. */
  private readonly decoy = randomBytes(32);

  constructor(
    private readonly passwords: PasswordHasher,
    keyEncryptionKey?: Buffer,
  ) {
    this.key = keyEncryptionKey && Buffer.from(hkdfSync('sha256', keyEncryptionKey, Buffer.alloc(0), KEY_LABEL, 32));
  }

  /** `generated`: the secret is 256 random bits made by the issuer's own tooling. */
  async hash(secret: string, generated: boolean): Promise<StoredSecret & { secretHash: string }> {
    if (!generated) return { secretHash: await this.passwords.hash(secret), secretHashAlg: 'argon2id' };
    if (this.key) return { secretHash: this.keyed(secret), secretHashAlg: 'hmac-sha256' };
    return { secretHash: await this.passwords.hash(secret), secretHashAlg: 'argon2id-rehash' };
  }

  /** Checks `secret` against the stored hash (undefined: unknown client, checked against a decoy and refused). */
  async verify(stored: StoredSecret | undefined, secret: string): Promise<SecretCheck> {
    if (!stored?.secretHash) {
      this.mac(secret);
      return { ok: false };
    }
    if (stored.secretHashAlg === 'hmac-sha256') return { ok: this.keyedMatches(stored.secretHash, secret) };
    const ok = await this.passwords.verify(stored.secretHash, secret);
    if (!ok || stored.secretHashAlg !== 'argon2id-rehash' || !this.key) return { ok };
    return { ok, rehash: { secretHash: this.keyed(secret), secretHashAlg: 'hmac-sha256' } };
  }

  private keyed(secret: string): string {
    return KEYED_PREFIX + this.mac(secret).toString('base64url');
  }

  private mac(secret: string): Buffer {
    // Without a key no keyed hash can match: a row written by an issuer is never accepted by a keyless process.
    return createHmac('sha256', this.key ?? this.decoy)
      .update(secret, 'utf8')
      .digest();
  }

  private keyedMatches(stored: string, secret: string): boolean {
    if (!this.key || !stored.startsWith(KEYED_PREFIX)) return false;
    const expected = Buffer.from(stored.slice(KEYED_PREFIX.length), 'base64url');
    const actual = this.mac(secret);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
