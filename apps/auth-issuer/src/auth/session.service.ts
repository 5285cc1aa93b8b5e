import { Inject, Injectable } from '@nestjs/common';
import { type AccessTokenClaims, issuerOwnAudiences, type TokenResponse } from '@app/contract';
import { isReservedAudience } from '../clients/client.rules';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { AuditLog } from '../audit/audit-log.service';
import { RefreshTokensService } from '../refresh/refresh-tokens.service';
import { RevocationWriter } from '../revocation/revocation.writer';
import { TokenIssuer } from '../tokens/token-issuer.service';

/** Refresh, logout and log-out-everywhere for first-party user sessions. */
@Injectable()
export class SessionService {
  /** What else ends with "log out everywhere" (the OpenID module's SSO sessions); registered at start. */
  private readonly everywhereHooks: Array<(sub: string) => Promise<void>> = [];

  constructor(
    private readonly refreshTokens: RefreshTokensService,
    private readonly tokens: TokenIssuer,
    private readonly revocation: RevocationWriter,
    private readonly audit: AuditLog,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  /**
   * Rotates a user's refresh token (first-party when `clientId` is null) and mints a new pair.
   * `scope` may narrow the new access token's scope (RFC 6749 §6). A user who is gone or disabled ends the session.
   * The access token issued with `refreshToken` is denied: every refresh path (/auth/refresh, /oauth/token, cookie mode) comes here.
   */
  refresh(refreshToken: string, { clientId = null, scope }: { clientId?: string | null; scope?: string[] } = {}): Promise<TokenResponse> {
    return this.refreshTokens.rotate(refreshToken, clientId, scope, async (next, { user, client }) => {
      if (!user || user.disabled) return undefined;
      // A code-flow session's tokens stay its client's: its audiences, its client_id; a client gone or disabled ends it.
      if (client && client.disabled) return undefined;
      const audience = client?.allowedAudiences.filter((aud) => !isReservedAudience(aud, issuerOwnAudiences(this.config.issuerUrl)));
      if (next.clientId !== null && !audience?.length) return undefined;
      const owner = client && audience ? { clientId: client.clientId, audience } : undefined;
      return this.tokens.respond(user, next.familyId, next.token, scope ? scope.join(' ') : next.scope, owner);
    });
  }

  /** Lets a module that keeps sessions of its own end them when a user logs out everywhere. */
  onLogoutEverywhere(hook: (sub: string) => Promise<void>): void {
    this.everywhereHooks.push(hook);
  }

  /**
   * Ends the session (the token's family and the given refresh token's) in PostgreSQL first, then denies
   * the access token until its exp. If Redis cannot take the denial the call fails (503) after the
   * durable part is done, so a retry completes it and nothing pretends to have succeeded.
   */
  async logout(claims: AccessTokenClaims & { sid?: unknown }, refreshToken?: string): Promise<void> {
    const families = new Set<string>();
    if (typeof claims.sid === 'string') families.add(claims.sid);
    const grant = refreshToken ? await this.refreshTokens.findGrant(refreshToken) : undefined;
    if (grant && grant.subject === claims.sub) families.add(grant.familyId);
    for (const family of families) await this.refreshTokens.revokeFamily(family);
    await this.revocation.denyAccessToken(claims.jti, claims.exp);
    await this.audit.record('logout', claims.sub, { jti: claims.jti, families: families.size });
  }

  /**
   * Ends every session of the subject: all refresh families, and every access token issued until now.
   * The cut-off has one-second granularity (`iat` is in seconds), so the call returns only once that
   * second is over: a login after the 204 always gets an `iat` past the cut-off.
   */
  async logoutEverywhere(sub: string): Promise<void> {
    const revoked = await this.refreshTokens.revokeAllForSubject(sub);
    const at = Math.floor(Date.now() / 1000);
    await this.revocation.cutOffSubject(sub, at);
    for (const hook of this.everywhereHooks) await hook(sub);
    await this.audit.record('logout_everywhere', sub, { refresh_revoked: revoked, cutoff: at });
    await untilAfterSecond(at);
  }
}

function untilAfterSecond(second: number): Promise<void> {
  const wait = (second + 1) * 1000 - Date.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}
