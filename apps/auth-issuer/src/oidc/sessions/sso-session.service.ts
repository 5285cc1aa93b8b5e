import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditLog } from '../../audit/audit-log.service';
import { RefreshTokensService } from '../../refresh/refresh-tokens.service';
import { BackChannelLogout } from '../backchannel/backchannel-logout.service';
import { SSO_SESSION_TTL_SECONDS } from '../oidc.constants';
import { SsoSessionEntity, SsoSessionGrantEntity } from './sso-session.entity';

/** A cookie value: 256 random bits, base64url. Anything else is not looked up. */
const SESSION_SECRET = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('base64url');

export interface StartedSession {
  session: SsoSessionEntity;
  /** The cookie value; only its hash is stored. */
  secret: string;
}

/**
 * Issuer SSO sessions, server-side in PostgreSQL: a browser holds only a random secret. Ending a session
 * ends every token grant made under it (their refresh families and their access tokens' `sid`).
 */
@Injectable()
export class SsoSessionService {
  private readonly logger = new Logger('SsoSessions');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly refreshTokens: RefreshTokensService,
    private readonly audit: AuditLog,
    private readonly backChannel: BackChannelLogout,
  ) {}

  /** The live session a cookie value names, or undefined (unknown, expired, ended, malformed). */
  async current(secret: string | undefined): Promise<SsoSessionEntity | undefined> {
    if (secret === undefined || !SESSION_SECRET.test(secret)) return undefined;
    const session = await this.dataSource.getRepository(SsoSessionEntity).findOneBy({ tokenHash: hashOf(secret) });
    return session && isLive(session) ? session : undefined;
  }

  async findLive(id: string): Promise<SsoSessionEntity | undefined> {
    const session = await this.dataSource.getRepository(SsoSessionEntity).findOneBy({ id });
    return session && isLive(session) ? session : undefined;
  }

  /**
   * After a password sign-in. The same user signing in again (prompt=login, max_age) keeps the session and
   * its `sid` with a new auth_time; anyone else gets a new session, and a fresh secret either way.
   */
  async signedIn(subject: string, previous: SsoSessionEntity | undefined): Promise<StartedSession> {
    const secret = randomBytes(32).toString('base64url');
    const now = new Date();
    const repository = this.dataSource.getRepository(SsoSessionEntity);
    if (previous && previous.subject === subject) {
      await repository.update({ id: previous.id }, { tokenHash: hashOf(secret), authTime: now });
      return { session: { ...previous, tokenHash: hashOf(secret), authTime: now }, secret };
    }
    const session = repository.create({
      id: randomUUID(),
      tokenHash: hashOf(secret),
      subject,
      authTime: now,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SSO_SESSION_TTL_SECONDS * 1000),
      endedAt: null,
    });
    await repository.insert(session);
    return { session, secret };
  }

  /**
   * Holds a live session's row (FOR SHARE) for the rest of `manager`'s transaction, so a concurrent logout
   * waits and then sees every grant added under it; false when the session is over (refuse the grant).
   */
  async holdLive(manager: EntityManager, sessionId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT id FROM sso_sessions WHERE id = $1 AND ended_at IS NULL AND expires_at > now() FOR SHARE', [sessionId]);
    return rows.length > 0;
  }

  /** Records a grant made under a session held by holdLive in the same transaction. */
  async addGrant(manager: EntityManager, sessionId: string, grantId: string, clientId: string): Promise<void> {
    await manager.insert(SsoSessionGrantEntity, { sessionId, grantId, clientId, createdAt: new Date() });
  }

  /**
   * Ends the session, then every grant made under it: refresh families revoked, and each grant's `sid`
   * (and the session's own) refused at every service. Idempotent; 503 when Redis cannot take the denial.
   */
  async end(sessionId: string, reason: string): Promise<void> {
    await this.endWhere('id = $1', sessionId, reason);
  }

  /** Ends every live session of a user (log out everywhere): the same as end() for each. */
  async endAllFor(subject: string, reason: string): Promise<void> {
    await this.endWhere('subject = $1', subject, reason);
  }

  /**
   * Sessions newly ended here are announced to the clients that took part (back-channel logout) once the
   * ending is committed; the announcements run while the grants are revoked and hold the caller only briefly.
   */
  private async endWhere(condition: 'id = $1' | 'subject = $1', value: string, reason: string): Promise<void> {
    const { ended, grants } = await this.dataSource.transaction(async (manager) => {
      const [rows]: [Array<{ id: string; subject: string }>, number] = await manager.query(
        `UPDATE sso_sessions SET ended_at = now() WHERE ${condition} AND ended_at IS NULL RETURNING id::text AS id, subject`,
        [value],
      );
      const ids: string[] = condition === 'id = $1' ? [value] : rows.map((row) => row.id);
      return { ended: rows, grants: ids.length ? await manager.find(SsoSessionGrantEntity, { where: { sessionId: In(ids) } }) : [] };
    });
    const announced = this.backChannel.notify(ended);
    try {
      for (const grant of grants) await this.refreshTokens.revokeFamily(grant.grantId);
    } finally {
      await announced;
    }
    for (const session of ended) {
      await this.audit.record('logout', session.subject, { sso_session: session.id, grants: grants.filter((g) => g.sessionId === session.id).length, reason });
    }
    this.logger.debug(`ended ${ended.length} SSO session(s) (${grants.length} grants, ${reason})`);
  }
}

function isLive(session: SsoSessionEntity): boolean {
  return session.endedAt === null && session.expiresAt.getTime() > Date.now();
}
