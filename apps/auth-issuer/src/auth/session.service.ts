import { Injectable } from '@nestjs/common';
import type { AccessTokenClaims, TokenResponse } from '@app/contract';
import { AuditLog } from '../audit/audit-log.service';
import { IssuerError } from '../errors/issuer.error';
import { RefreshTokensService } from '../refresh/refresh-tokens.service';
import { RevocationWriter } from '../revocation/revocation.writer';
import { TokenIssuer } from '../tokens/token-issuer.service';
import { UsersService } from '../users/users.service';

/** Refresh, logout and log-out-everywhere for first-party user sessions. */
@Injectable()
export class SessionService {
  constructor(
    private readonly refreshTokens: RefreshTokensService,
    private readonly tokens: TokenIssuer,
    private readonly users: UsersService,
    private readonly revocation: RevocationWriter,
    private readonly audit: AuditLog,
  ) {}

  async refresh(refreshToken: string): Promise<TokenResponse> {
    const next = await this.refreshTokens.rotate(refreshToken);
    const user = await this.users.findById(next.subject);
    if (!user || user.disabled) {
      await this.refreshTokens.revokeFamily(next.familyId);
      throw new IssuerError('invalid_grant', 'refresh token is invalid or expired');
    }
    return this.tokens.respond(user, next.familyId, next.token, next.scope);
  }

  /** Denies the access token until its exp and ends its session (and the given refresh token's family). */
  async logout(claims: AccessTokenClaims & { sid?: unknown }, refreshToken?: string): Promise<void> {
    await this.revocation.denyAccessToken(claims.jti, claims.exp);
    const families = new Set<string>();
    if (typeof claims.sid === 'string') families.add(claims.sid);
    const grant = refreshToken ? await this.refreshTokens.findGrant(refreshToken) : undefined;
    if (grant && grant.subject === claims.sub) families.add(grant.familyId);
    for (const family of families) await this.refreshTokens.revokeFamily(family);
    await this.audit.record('logout', claims.sub, { jti: claims.jti, families: families.size });
  }

  /** Ends every session of the subject: all refresh families, and every access token issued until now. */
  async logoutEverywhere(sub: string): Promise<void> {
    await this.revocation.cutOffSubject(sub, Math.floor(Date.now() / 1000));
    const revoked = await this.refreshTokens.revokeAllForSubject(sub);
    await this.audit.record('logout_everywhere', sub, { refresh_tokens_revoked: revoked });
  }
}
