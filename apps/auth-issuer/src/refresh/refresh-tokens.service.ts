import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';
import { denialTtlSeconds, RevocationWriter } from '../revocation/revocation.writer';
import { hashRefreshToken, looksLikeRefreshToken, newRefreshToken } from './refresh-token.codec';
import { RefreshTokenEntity } from './refresh-token.entity';
import { beginAndLock, LockedRefreshRow, RotationConnection, spendInsertAndCommit } from './rotation.statements';

export interface RefreshGrant {
  subject: string;
  familyId: string;
  clientId: string | null;
  scope: string;
}

export interface IssuedRefreshToken extends RefreshGrant {
  token: string;
}

/** What minting the access token of a pair yields: the answer, and the access token's jti and exp to record. */
export interface MintedPair<T> {
  result: T;
  accessJti: string;
  accessExp: number;
}

/**
 * Mints the access token for a new refresh token, inside the transaction that stores it (reads go through
 * `manager`: the transaction holds a pooled connection). Undefined refuses the grant and ends the family.
 */
export type PairMinter<T> = (next: IssuedRefreshToken, manager: EntityManager) => Promise<MintedPair<T> | undefined>;

/** A rotation's minter gets the rows read with the token under the subject lock; undefined refuses and ends the family. */
export type RotationMinter<T> = (next: IssuedRefreshToken, holders: Pick<LockedRefreshRow, 'user' | 'client'>) => Promise<MintedPair<T> | undefined>;

interface RotationTransaction {
  connection: RotationConnection;
  manager: EntityManager;
  committed: boolean;
}

type RotationOutcome<T> = { kind: 'rotated'; result: T } | { kind: 'reused' | 'refused'; familyId: string; subject: string };

/** Advisory-lock class for a subject's refresh tokens (the two-key form never meets the single-key locks). */
const SESSION_LOCK_CLASS = 72_410_002;
const INVALID = 'refresh token is invalid or expired';

/**
 * Refresh-token rotation with reuse detection. Each use spends the token under a row lock,
 * so of two concurrent refreshes exactly one wins; a spent token presented again revokes its family.
 * No grace window: a client that retries a refresh with the old token loses the session by design.
 * Ending a family also ends its access tokens (their `sid`), so a thief's access token dies with the session.
 *
 * Revocation wins every race: rotation, issue and every revocation of a subject's tokens run one at a time
 * under a per-subject advisory lock, and the access token of a pair is signed before its rotation commits.
 * So a revoking UPDATE always sees every successor, a rotation after it finds its token revoked, and no
 * access token of a revoked chain is newer than the revocation (the `sid` entry or the subject's cut-off
 * covers all of them).
 */
@Injectable()
export class RefreshTokensService {
  private readonly logger = new Logger('RefreshTokens');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    private readonly audit: AuditLog,
    private readonly revocation: RevocationWriter,
  ) {}

  /** Starts a family (a session) and mints its first pair. */
  async issue<T>(grant: Omit<RefreshGrant, 'familyId'>, mint: PairMinter<T>): Promise<T> {
    return this.underSubjectLock(grant.subject, async (manager) => {
      const next = { ...grant, familyId: randomUUID(), token: newRefreshToken() };
      const minted = await mint(next, manager);
      if (!minted) throw new IssuerError('invalid_grant', INVALID);
      await this.insert(manager, next, minted);
      return minted.result;
    });
  }

  /**
   * Spends `token` and mints a successor pair in the same family; refuses spent, revoked or expired tokens,
   * tokens of a revoked family, and tokens bound to another client (`clientId` null: a first-party token
   * presented without client auth). `narrowTo` (RFC 6749 §6) must be within the grant's scope; it is checked
   * before anything is spent. The access token issued with `token` is denied: a reissue discards it.
   * Two PostgreSQL round trips and one to Redis: begin + lock + read, (sign), Redis denial, spend + insert + journal + commit.
   */
  async rotate<T>(token: unknown, clientId: string | null, narrowTo: string[] | undefined, mint: RotationMinter<T>): Promise<T> {
    if (!looksLikeRefreshToken(token)) throw new IssuerError('invalid_grant', INVALID);
    const tokenHash = hashRefreshToken(token);
    const outcome = await this.rotationTransaction(async (tx): Promise<RotationOutcome<T>> => {
      const row = await beginAndLock(tx.connection, SESSION_LOCK_CLASS, tokenHash);
      if (!row || row.revoked || row.expiresAt.getTime() <= Date.now() || row.clientId !== clientId) {
        throw new IssuerError('invalid_grant', INVALID);
      }
      // A family with any revoked token is over, whatever its newest row says.
      if (row.familyRevoked) throw new IssuerError('invalid_grant', INVALID);
      const ended = { familyId: row.familyId, subject: row.subject };
      if (row.spent) {
        await this.revokeFamilyWith(tx.manager, row.familyId);
        return { kind: 'reused', ...ended };
      }
      const granted = new Set(row.scope.split(' ').filter(Boolean));
      if (narrowTo && !narrowTo.every((scope) => granted.has(scope))) {
        throw new IssuerError('invalid_scope', 'requested scope exceeds the scope originally granted');
      }
      const next = { subject: row.subject, familyId: row.familyId, clientId: row.clientId, scope: row.scope, token: newRefreshToken() };
      const minted = await mint(next, { user: row.user, client: row.client });
      if (!minted) {
        await this.revokeFamilyWith(tx.manager, row.familyId);
        return { kind: 'refused', ...ended };
      }
      const now = new Date();
      const denied =
        row.accessJti && row.accessExpiresAt
          ? { jti: row.accessJti, ttlSeconds: denialTtlSeconds(Math.floor(row.accessExpiresAt.getTime() / 1000)) }
          : undefined;
      // Redis before the commit, as ever: if Redis cannot take the denial, nothing is spent and the client may retry.
      // (Should the commit then fail, the old access token is denied early, as it would be by a retry.)
      if (denied) await this.revocation.announceDeniedAccessToken(denied.jti, denied.ttlSeconds);
      await spendInsertAndCommit(tx.connection, {
        spentRowId: row.id,
        spentAt: now,
        tokenHash: hashRefreshToken(next.token),
        familyId: next.familyId,
        subject: next.subject,
        clientId: next.clientId,
        scope: next.scope,
        expiresAt: new Date(now.getTime() + this.config.refreshTokenTtl * 1000),
        accessJti: minted.accessJti,
        accessExpiresAt: new Date(minted.accessExp * 1000),
        denied,
      });
      tx.committed = true;
      return { kind: 'rotated', result: minted.result };
    });
    if (outcome.kind === 'rotated') return outcome.result;
    if (outcome.kind === 'reused') await this.audit.record('refresh_reuse', outcome.subject, { family: outcome.familyId, action: 'family_revoked' });
    // The family is already revoked in PostgreSQL; failing to end its access tokens must not hide the refusal.
    await this.revocation.endSession(outcome.familyId).catch((e) => this.logger.warn(`session ${outcome.familyId} not ended in Redis: ${e}`));
    throw new IssuerError('invalid_grant', INVALID);
  }

  /** The family a live token belongs to, or undefined; used by logout and RFC 7009 revocation. */
  async findGrant(token: unknown): Promise<RefreshGrant | undefined> {
    if (!looksLikeRefreshToken(token)) return undefined;
    const row = await this.dataSource.manager.findOne(RefreshTokenEntity, { where: { tokenHash: hashRefreshToken(token) } });
    if (!row || row.expiresAt.getTime() <= Date.now()) return undefined;
    return { subject: row.subject, familyId: row.familyId, clientId: row.clientId, scope: row.scope };
  }

  async isFamilyActive(familyId: string): Promise<boolean> {
    const live = await this.dataSource.manager.count(RefreshTokenEntity, { where: { familyId, revokedAt: IsNull() } });
    return live > 0;
  }

  /** Revokes the family's refresh tokens, then refuses its access tokens everywhere (503 if Redis is down). */
  async revokeFamily(familyId: string): Promise<void> {
    const member = await this.dataSource.manager.findOne(RefreshTokenEntity, { where: { familyId }, select: { subject: true } });
    if (member) await this.underSubjectLock(member.subject, (manager) => this.revokeFamilyWith(manager, familyId));
    await this.revocation.endSession(familyId);
  }

  /** Revokes every refresh token of the subject; a rotation in flight finishes first and its successor is revoked too. */
  async revokeAllForSubject(subject: string): Promise<number> {
    return this.underSubjectLock(subject, async (manager) => {
      const result = await manager.update(RefreshTokenEntity, { subject, revokedAt: IsNull() }, { revokedAt: new Date() });
      return result.affected ?? 0;
    });
  }

  /**
   * A transaction on one pooled connection that `work` opens itself (beginAndLock sends BEGIN with the lock and
   * the read) and may commit itself (`committed`); else committed when `work` returns, rolled back when it throws.
   * `manager` runs on the same connection.
   */
  private async rotationTransaction<T>(work: (tx: RotationTransaction) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const tx: RotationTransaction = { connection: (await runner.connect()) as RotationConnection, manager: runner.manager, committed: false };
      try {
        const result = await work(tx);
        if (!tx.committed) await tx.connection.query('COMMIT');
        return result;
      } catch (error) {
        await tx.connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } catch (error) {
      throw busyOrRethrow(error);
    } finally {
      await runner.release();
    }
  }

  private async underSubjectLock<T>(subject: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SESSION_LOCK_CLASS, subject]);
        return work(manager);
      });
    } catch (error) {
      throw busyOrRethrow(error);
    }
  }

  private async revokeFamilyWith(manager: EntityManager, familyId: string): Promise<void> {
    await manager.update(RefreshTokenEntity, { familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  private async insert(manager: EntityManager, next: IssuedRefreshToken, minted: MintedPair<unknown>): Promise<void> {
    const now = new Date();
    await manager.insert(RefreshTokenEntity, {
      tokenHash: hashRefreshToken(next.token),
      familyId: next.familyId,
      subject: next.subject,
      clientId: next.clientId,
      scope: next.scope,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.refreshTokenTtl * 1000),
      accessJti: minted.accessJti,
      accessExpiresAt: new Date(minted.accessExp * 1000),
    });
  }
}

/** statement_timeout while queued behind the subject's other refreshes: nothing was applied, the client may retry. */
function busyOrRethrow(error: unknown): unknown {
  const failure = error as { code?: string; driverError?: { code?: string } };
  return (failure.code ?? failure.driverError?.code) === '57014' ? new IssuerError('temporarily_unavailable', 'session busy; retry', 1) : error;
}
