import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { createHash, KeyObject } from 'node:crypto';
import { KeyRing } from './key-ring';
import type { SigningKeyEntity } from '../store/signing-key.entity';
import { SigningKeyStore } from '../store/signing-key.store';

/**
 * Holds the current KeyRing in memory: signing and the JWKS never touch the database per request.
 * The ring is re-read after every local change, on every Redis key event, and every KEY_RELOAD_INTERVAL
 * seconds (KeyRingWatch), which bounds how long a replica can lag another replica's change when a message is lost.
 */
@Injectable()
export class SigningKeysService implements OnApplicationBootstrap {
  private ring = new KeyRing(undefined, []);
  private etag = '';
  private loading?: Promise<boolean>;
  private queued?: Promise<boolean>;
  /** Only the active key's private half is kept decrypted, and only in memory. */
  private signerCache?: { kid: string; key: KeyObject };

  constructor(private readonly store: SigningKeyStore) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reload();
  }

  current(): KeyRing {
    return this.ring;
  }

  jwksEtag(): string {
    return this.etag;
  }

  /**
   * Re-reads the key table into a fresh ring; readers keep the old one until the swap. Resolves true
   * when the published keys or the signer differ from the ring before. Reloads never overlap (an older
   * read finishing last would bring back a stale ring): a call during a load waits for one more load that starts after it.
   */
  reload(): Promise<boolean> {
    if (!this.loading) {
      this.loading = this.load().finally(() => (this.loading = undefined));
      return this.loading;
    }
    this.queued ??= this.loading
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.reload();
      });
    return this.queued;
  }

  private async load(): Promise<boolean> {
    const published = await this.store.findPublished();
    const activeRow = published.find((row) => row.state === 'active');
    const signer = activeRow ? { kid: activeRow.kid, alg: activeRow.alg, privateKey: this.signingKeyOf(activeRow) } : undefined;
    const ring = new KeyRing(signer, published);
    const etag = `"${createHash('sha256').update(ring.jwksBody).digest('base64url')}"`;
    const changed = etag !== this.etag || signer?.kid !== this.ring.signer?.kid;
    this.ring = ring;
    this.etag = etag;
    return changed;
  }

  private signingKeyOf(row: SigningKeyEntity): KeyObject {
    if (this.signerCache?.kid !== row.kid) this.signerCache = { kid: row.kid, key: this.store.privateKeyOf(row) };
    return this.signerCache.key;
  }
}
