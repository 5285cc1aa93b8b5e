import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';
import { RevocationWriter } from '../revocation/revocation.writer';
import { hashRefreshToken, looksLikeRefreshToken, newRefreshToken } from './refresh-token.codec';
import { RefreshTokenEntity } from './refresh-token.entity';

export interface RefreshGrant {
  subject: string;
  familyId: string;
  clientId: string | null;
  scope: string;
}

export interface IssuedRefreshToken extends RefreshGrant {
  token: string;
}

type RotationOutcome = { kind: 'rotated'; issued: IssuedRefreshToken } | { kind: 'reused'; familyId: string; subject: string };

/**
 * Refresh-token rotation with reuse detection. Each use spends the token under a row lock,
 * so of two concurrent refreshes exactly one wins; a spent token presented again revokes its family.
 * No grace window: a client that retries a refresh with the old token loses the session by design.
 * Ending a family also ends its access tokens (their `sid`), so a thief's access token dies with the session.
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

  issue(grant: Omit<RefreshGrant, 'familyId'> & { familyId?: string }, manager: EntityManager = this.dataSource.manager): Promise<IssuedRefreshToken> {
    return this.insert(manager, { ...grant, familyId: grant.familyId ?? randomUUID() });
  }

  /**
   * Spends `token` and returns a successor in the same family; refuses spent, revoked or expired tokens,
   * and tokens bound to another client (`clientId` null: a first-party token presented without client auth).
   * `narrowTo` (RFC 6749 §6) must be within the grant's scope; it is checked before anything is spent.
   */
  async rotate(token: unknown, clientId: string | null = null, narrowTo?: string[]): Promise<IssuedRefreshToken> {
    if (!looksLikeRefreshToken(token)) throw new IssuerError('invalid_grant', 'refresh token is invalid or expired');
    const outcome = await this.dataSource.transaction(async (manager): Promise<RotationOutcome> => {
      const row = await manager.findOne(RefreshTokenEntity, {
        where: { tokenHash: hashRefreshToken(token) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now() || row.clientId !== clientId) {
        throw new IssuerError('invalid_grant', 'refresh token is invalid or expired');
      }
      if (row.spentAt) {
        await this.revokeFamilyWith(manager, row.familyId);
        return { kind: 'reused', familyId: row.familyId, subject: row.subject };
      }
      const granted = new Set(row.scope.split(' ').filter(Boolean));
      if (narrowTo && !narrowTo.every((scope) => granted.has(scope))) {
        throw new IssuerError('invalid_scope', 'requested scope exceeds the scope originally granted');
      }
      await manager.update(RefreshTokenEntity, { id: row.id }, { spentAt: new Date() });
      const issued = await this.insert(manager, { subject: row.subject, familyId: row.familyId, clientId: row.clientId, scope: row.scope });
      return { kind: 'rotated', issued };
    });
    if (outcome.kind === 'reused') {
      await this.audit.record('refresh_reuse', outcome.subject, { family: outcome.familyId, action: 'family_revoked' });
      // The family is already revoked in PostgreSQL; failing to end its access tokens must not hide the refusal.
      await this.revocation.endSession(outcome.familyId).catch((e) => this.logger.warn(`session ${outcome.familyId} not ended in Redis: ${e}`));
      throw new IssuerError('invalid_grant', 'refresh token is invalid or expired');
    }
    return outcome.issued;
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
    await this.revokeFamilyWith(this.dataSource.manager, familyId);
    await this.revocation.endSession(familyId);
  }

  async revokeAllForSubject(subject: string): Promise<number> {
    const result = await this.dataSource.manager.update(RefreshTokenEntity, { subject, revokedAt: IsNull() }, { revokedAt: new Date() });
    return result.affected ?? 0;
  }

  private async revokeFamilyWith(manager: EntityManager, familyId: string): Promise<void> {
    await manager.update(RefreshTokenEntity, { familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  private async insert(manager: EntityManager, grant: RefreshGrant): Promise<IssuedRefreshToken> {
    const token = newRefreshToken();
    const now = new Date();
    await manager.insert(RefreshTokenEntity, {
      tokenHash: hashRefreshToken(token),
      familyId: grant.familyId,
      subject: grant.subject,
      clientId: grant.clientId,
      scope: grant.scope,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.refreshTokenTtl * 1000),
    });
    return { ...grant, token };
  }
}
