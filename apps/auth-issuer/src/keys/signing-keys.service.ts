import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { createHash, KeyObject } from 'node:crypto';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { KeyRing } from './key-ring';
import type { SigningKeyEntity } from './signing-key.entity';
import { SigningKeyStore } from './signing-key.store';

/**
 * Holds the current KeyRing in memory: signing and the JWKS never touch the database per request.
 * The ring is re-read after every local change, on every Redis key event, and every KEY_RELOAD_INTERVAL
 * seconds, which bounds how long a replica can lag another replica's change when a message is lost.
 */
@Injectable()
export class SigningKeysService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SigningKeys');
  private ring = new KeyRing(undefined, []);
  private etag = '';
  private reloadTimer?: NodeJS.Timeout;
  private loading?: Promise<void>;
  private queued?: Promise<void>;
  /** Only the active key's private half is kept decrypted, and only in memory. */
  private signerCache?: { kid: string; key: KeyObject };

  constructor(
    private readonly store: SigningKeyStore,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reload();
    const every = this.config.keys.reloadIntervalSeconds * 1000;
    this.reloadTimer = setInterval(() => void this.reload().catch((e) => this.logger.warn(`key reload failed: ${e}`)), every);
    this.reloadTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reloadTimer);
  }

  current(): KeyRing {
    return this.ring;
  }

  jwksEtag(): string {
    return this.etag;
  }

  /**
   * Re-reads the key table into a fresh ring; readers keep the old one until the swap.
   * Reloads never overlap (an older read finishing last would bring back a stale ring): a call
   * during a load waits for one more load that starts after it.
   */
  reload(): Promise<void> {
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

  private async load(): Promise<void> {
    const published = await this.store.findPublished();
    const activeRow = published.find((row) => row.state === 'active');
    const signer = activeRow ? { kid: activeRow.kid, alg: activeRow.alg, privateKey: this.signingKeyOf(activeRow) } : undefined;
    const ring = new KeyRing(signer, published);
    this.ring = ring;
    this.etag = `"${createHash('sha256').update(ring.jwksBody).digest('base64url')}"`;
  }

  private signingKeyOf(row: SigningKeyEntity): KeyObject {
    if (this.signerCache?.kid !== row.kid) this.signerCache = { kid: row.kid, key: this.store.privateKeyOf(row) };
    return this.signerCache.key;
  }
}
