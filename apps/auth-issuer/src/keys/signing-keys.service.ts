import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { generateKeyPair } from './key-pair.factory';
import { KeyRing } from './key-ring';
import { SigningKeyStore } from './signing-key.store';

/** How often a replica re-reads the key table, bounding how long it lags another replica's rotation. */
export const KEY_RELOAD_INTERVAL_MS = 5000;

/**
 * Holds the current KeyRing in memory (signing and JWKS never touch the database per request)
 * and makes sure a signing key exists at first start.
 */
@Injectable()
export class SigningKeysService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SigningKeys');
  private ring = new KeyRing(undefined, []);
  private etag = '';
  private reloadTimer?: NodeJS.Timeout;

  constructor(
    private readonly store: SigningKeyStore,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureActiveKey();
    await this.reload();
    this.reloadTimer = setInterval(() => void this.reload().catch((e) => this.logger.warn(`key reload failed: ${e}`)), KEY_RELOAD_INTERVAL_MS);
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

  /** Re-reads the key table into a fresh ring; readers keep the old one until the swap. */
  async reload(): Promise<void> {
    const published = await this.store.findPublished();
    const activeRow = published.find((row) => row.state === 'active');
    const signer = activeRow ? { kid: activeRow.kid, alg: activeRow.alg, privateKey: this.cachedPrivateKey(activeRow) } : undefined;
    const ring = new KeyRing(signer, published);
    this.ring = ring;
    this.etag = `"${createHash('sha256').update(ring.jwksBody).digest('base64url')}"`;
  }

  private privateKeyCache = new Map<string, ReturnType<SigningKeyStore['privateKeyOf']>>();

  private cachedPrivateKey(row: Parameters<SigningKeyStore['privateKeyOf']>[0]) {
    let key = this.privateKeyCache.get(row.kid);
    if (!key) {
      key = this.store.privateKeyOf(row);
      this.privateKeyCache.clear();
      this.privateKeyCache.set(row.kid, key);
    }
    return key;
  }

  private async ensureActiveKey(): Promise<void> {
    await this.store.withKeyLock(async (manager) => {
      const published = await this.store.findPublished(manager);
      if (published.some((row) => row.state === 'active')) return;
      const pair = await generateKeyPair(this.config.signingAlgorithm);
      await this.store.insert(manager, pair, 'active', new Date());
      this.logger.log(`generated first signing key kid=${pair.kid} alg=${pair.alg}`);
    });
  }
}
