import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createPrivateKey, KeyObject } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption';
import type { GeneratedKeyPair } from './key-pair.factory';
import { KeyState, SigningKeyEntity } from './signing-key.entity';

const PUBLISHED_STATES: KeyState[] = ['pending', 'active', 'retired'];

/** Persists signing keys; private halves only ever leave it decrypted, in memory. */
@Injectable()
export class SigningKeyStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  /** Runs `work` while holding a cluster-wide lock, so replicas never change keys at the same time. */
  async withKeyLock<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [72_410_002]);
      return work(manager);
    });
  }

  async insert(manager: EntityManager, pair: GeneratedKeyPair, state: KeyState, now: Date, extra: Partial<SigningKeyEntity> = {}): Promise<SigningKeyEntity> {
    const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
    const row = manager.create(SigningKeyEntity, {
      kid: pair.kid,
      alg: pair.alg,
      state,
      publicJwk: pair.publicJwk,
      privateKeyEncrypted: encryptPrivateKey(this.config.keyEncryptionKey, pair.kid, der),
      createdAt: now,
      activatedAt: state === 'active' ? now : null,
      ...extra,
    });
    return manager.save(row);
  }

  findPublished(manager: EntityManager = this.dataSource.manager): Promise<SigningKeyEntity[]> {
    return manager.find(SigningKeyEntity, { where: { state: In(PUBLISHED_STATES) }, order: { createdAt: 'ASC' } });
  }

  findAll(manager: EntityManager = this.dataSource.manager): Promise<SigningKeyEntity[]> {
    return manager.find(SigningKeyEntity, { order: { createdAt: 'ASC' } });
  }

  privateKeyOf(row: SigningKeyEntity): KeyObject {
    if (!row.privateKeyEncrypted) throw new Error(`key ${row.kid} has no private key`);
    const der = decryptPrivateKey(this.config.keyEncryptionKey, row.kid, row.privateKeyEncrypted);
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  }
}
