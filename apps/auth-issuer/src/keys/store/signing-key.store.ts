import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createPrivateKey, KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, JWK } from 'jose';
import { DataSource, EntityManager, In } from 'typeorm';
import { FaultError } from '@app/platform';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { IssuerError } from '../../errors/issuer.error';
import { decryptPrivateKey, encryptPrivateKey } from '../material/key-encryption';
import type { GeneratedKeyPair } from '../material/key-pair.factory';
import { KeyOrigin, KeyState, SigningKeyEntity } from './signing-key.entity';

const PUBLISHED_STATES: KeyState[] = ['pending', 'active', 'retired'];

/** Cluster-wide lock id for key changes (migrations use 72_410_001). */
export const KEY_LOCK = 72_410_002;

export interface NewKeyRow {
  state: 'pending' | 'active';
  now: Date;
  activateAfter?: Date | null;
  origin?: KeyOrigin;
}

/** Persists signing keys; private halves are encrypted before they reach a row and only ever leave it decrypted, in memory. */
@Injectable()
export class SigningKeyStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  /** Runs `work` in one transaction while holding a cluster-wide lock, so replicas never change keys at the same time. */
  async withKeyLock<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        await manager.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
        return work(manager);
      });
    } catch (error) {
      // statement_timeout while queued behind other key changes: nothing was applied, the caller may retry.
      const failure = error as { code?: string; driverError?: { code?: string } };
      if ((failure.code ?? failure.driverError?.code) === '57014') {
        throw new IssuerError('temporarily_unavailable', 'signing keys are being changed elsewhere; retry', 1);
      }
      throw error;
    }
  }

  async insert(
    manager: EntityManager,
    pair: GeneratedKeyPair,
    { state, now, activateAfter = null, origin = 'generated' }: NewKeyRow,
  ): Promise<SigningKeyEntity> {
    const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
    const row = manager.create(SigningKeyEntity, {
      kid: pair.kid,
      alg: pair.alg,
      state,
      publicJwk: pair.publicJwk,
      privateKeyEncrypted: encryptPrivateKey(this.config.keyEncryptionKey, pair.kid, der),
      createdAt: now,
      activateAfter: state === 'pending' ? activateAfter : null,
      activatedAt: state === 'active' ? now : null,
      origin,
    });
    der.fill(0);
    return manager.save(row);
  }

  /** Retire must run before activate: the database allows one active key per statement. */
  async retire(manager: EntityManager, kid: string, now: Date, removeAfter: Date): Promise<void> {
    await manager.update(SigningKeyEntity, { kid, state: 'active' }, { state: 'retired', retiredAt: now, removeAfter });
  }

  async activate(manager: EntityManager, kid: string, now: Date): Promise<void> {
    await manager.update(SigningKeyEntity, { kid, state: 'pending' }, { state: 'active', activatedAt: now });
  }

  async reschedule(manager: EntityManager, kid: string, activateAfter: Date): Promise<void> {
    await manager.update(SigningKeyEntity, { kid, state: 'pending' }, { activateAfter });
  }

  /** Leaves the JWKS and destroys the private key; `revoked` marks an emergency removal. */
  async remove(manager: EntityManager, kid: string, now: Date, revoked = false): Promise<void> {
    await manager.update(
      SigningKeyEntity,
      { kid, state: In(PUBLISHED_STATES) },
      { state: 'removed', privateKeyEncrypted: null, removedAt: now, ...(revoked ? { revokedAt: now } : {}) },
    );
  }

  findPublished(manager: EntityManager = this.dataSource.manager): Promise<SigningKeyEntity[]> {
    return manager.find(SigningKeyEntity, { where: { state: In(PUBLISHED_STATES) }, order: { createdAt: 'ASC', kid: 'ASC' } });
  }

  findAll(manager: EntityManager = this.dataSource.manager): Promise<SigningKeyEntity[]> {
    return manager.find(SigningKeyEntity, { order: { createdAt: 'ASC', kid: 'ASC' } });
  }

  findByKid(manager: EntityManager, kid: string): Promise<SigningKeyEntity | null> {
    return manager.findOne(SigningKeyEntity, { where: { kid } });
  }

  /**
   * The key, in any state (removed and revoked included: their public JWK stays), whose RFC 7638 thumbprint is that
   * of `publicJwk`. The same key material under a new kid is the same key: a revoked key must not come back that way.
   * Computed from the stored JWKs under the key lock: the table holds a handful of rows.
   */
  async findSameKeyMaterial(manager: EntityManager, publicJwk: Record<string, unknown>): Promise<SigningKeyEntity | undefined> {
    const wanted = await calculateJwkThumbprint(publicJwk, 'sha256');
    for (const row of await this.findAll(manager)) {
      if ((await calculateJwkThumbprint(row.publicJwk as JWK, 'sha256').catch(() => undefined)) === wanted) return row;
    }
    return undefined;
  }

  privateKeyOf(row: SigningKeyEntity): KeyObject {
    if (!row.privateKeyEncrypted) throw new FaultError('ERR_KEY_MISSING_PRIVATE', `key ${row.kid} has no private key`);
    let der: Buffer;
    try {
      der = decryptPrivateKey(this.config.keyEncryptionKey, row.kid, row.privateKeyEncrypted);
    } catch {
      throw new FaultError('ERR_KEY_DECRYPTION_FAILED', `cannot decrypt signing key ${row.kid}: KEY_ENCRYPTION_KEY differs from the one it was stored under`);
    }
    try {
      return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } finally {
      der.fill(0);
    }
  }
}
