import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { issuerOwnAudiences, type TokenResponse } from '@app/contract';
import { AuditLog } from '../../audit/audit-log.service';
import type { ClientEntity } from '../../clients/client.entity';
import { isReservedAudience } from '../../clients/client.rules';
import { isOperatorConsole } from '../../clients/operator-console.client';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { IssuerError } from '../../errors/issuer.error';
import { RefreshTokensService } from '../../refresh/refresh-tokens.service';
import { AccessTokenSigner } from '../../tokens/access-token.signer';
import { UserEntity } from '../../users/user.entity';
import type { AuthorizationCodeEntity } from '../codes/authorization-code.entity';
import { AuthorizationCodesService } from '../codes/authorization-codes.service';
import { SsoSessionService } from '../sessions/sso-session.service';
import { IdTokenSigner } from './id-token.signer';

/** The form parameters this grant reads (the token endpoint's OAuthForm satisfies it). */
export interface GrantForm {
  get(name: string): string | undefined;
  require(name: string): string;
}

export type CodeTokenResponse = TokenResponse & { id_token: string };

/**
 * RFC 6749 §4.1.3 with RFC 7636 and OpenID Connect Core §3.1.3: redeems an authorization code for an access
 * token (the client's registered audiences, `sid` = this grant), an ID token, and with `offline_access` a
 * refresh token under the usual rotation. The client is the authenticated confidential client or the public
 * client named by `client_id`. A replayed code is refused and revokes what it produced the first time.
 */
@Injectable()
export class AuthorizationCodeGrant {
  constructor(
    private readonly codes: AuthorizationCodesService,
    private readonly sessions: SsoSessionService,
    private readonly signer: AccessTokenSigner,
    private readonly idTokens: IdTokenSigner,
    private readonly refreshTokens: RefreshTokensService,
    private readonly audit: AuditLog,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async issue(form: GrantForm, client: ClientEntity | undefined): Promise<CodeTokenResponse> {
    if (!client)
      throw new IssuerError(
        'invalid_client',
        'the authorization_code grant needs a registered client (client authentication, or client_id of a public client)',
      );
    const presentation = {
      code: form.require('code'),
      clientId: client.clientId,
      redirectUri: form.get('redirect_uri'),
      codeVerifier: form.get('code_verifier'),
    };
    const outcome = await this.codes.redeem(presentation, (code, manager) => this.mint(code, client, manager));
    if (outcome.kind === 'minted') return outcome.result;
    if (outcome.revokeGrant) {
      // RFC 6749 §4.1.2: a code used twice may have leaked; what it bought is revoked.
      await this.refreshTokens.revokeFamily(outcome.revokeGrant);
      await this.audit.record('token_revoked', null, { kind: 'code_replay', grant: outcome.revokeGrant, client_id: client.clientId });
    }
    throw new IssuerError('invalid_grant', 'authorization code is invalid, expired or already used');
  }

  private async mint(code: AuthorizationCodeEntity, client: ClientEntity, manager: EntityManager): Promise<{ grantId: string; result: CodeTokenResponse }> {
    const refused = () => new IssuerError('invalid_grant', 'the sign-in this code came from is over');
    if (!(await this.sessions.holdLive(manager, code.sessionId))) throw refused();
    const user = await manager.findOne(UserEntity, { where: { id: code.subject } });
    if (!user || user.disabled || client.disabled) throw refused();
    const forConsole = isOperatorConsole(client);
    // The console's tokens are admin tokens (SECURITY.md): admin audience alone, role admin now, short, never refreshable.
    if (forConsole && !user.roles.includes('admin')) throw new IssuerError('invalid_target', 'role admin is required for the operator console');
    const audience = forConsole
      ? [this.config.adminAudience]
      : client.allowedAudiences.filter((aud) => !isReservedAudience(aud, issuerOwnAudiences(this.config.issuerUrl)));
    if (audience.length === 0) throw new IssuerError('invalid_target', 'this client has no service audience');
    const scope = forConsole ? withoutOfflineAccess(code.scope) : code.scope;
    const ttlSeconds = forConsole ? this.config.adminTokenTtl : undefined;
    const signAccess = (sessionId: string) =>
      this.signer.sign({ sub: user.id, roles: user.roles, scope, audience, clientId: client.clientId, sessionId, ttlSeconds });
    let access: { token: string; expiresIn: number };
    let refreshToken: string | undefined;
    let grantId: string;
    if (scope.split(' ').includes('offline_access')) {
      const issued = await this.refreshTokens.issue({ subject: user.id, clientId: client.clientId, scope }, async (next) => {
        const signed = await signAccess(next.familyId);
        return { result: { signed, refreshToken: next.token, familyId: next.familyId }, accessJti: signed.jti, accessExp: signed.exp };
      });
      ({ familyId: grantId, refreshToken } = issued);
      access = issued.signed;
    } else {
      grantId = randomUUID();
      access = await signAccess(grantId);
    }
    await this.sessions.addGrant(manager, code.sessionId, grantId, client.clientId);
    const idToken = await this.idTokens.sign({
      sub: user.id,
      clientId: client.clientId,
      authTime: code.authTime,
      sessionId: code.sessionId,
      nonce: code.nonce,
      accessToken: access.token,
    });
    const result: CodeTokenResponse = { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, scope, id_token: idToken };
    if (refreshToken) result.refresh_token = refreshToken;
    return { grantId, result };
  }
}

function withoutOfflineAccess(scope: string): string {
  return scope
    .split(' ')
    .filter((s) => s !== 'offline_access')
    .join(' ');
}
