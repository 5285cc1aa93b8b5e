import { Inject, Injectable } from '@nestjs/common';
import { FIRST_PARTY_CLIENT_ID, type TokenResponse } from '@app/contract';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { MintedPair, RefreshTokensService } from '../refresh/refresh-tokens.service';
import type { UserEntity } from '../users/user.entity';
import { AccessTokenSigner } from './access-token.signer';

/**
 * Builds the RFC 6749 §5.1 response for a user session: an access token for every configured service
 * (never the issuer itself) plus a refresh token of its family.
 */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly signer: AccessTokenSigner,
    private readonly refreshTokens: RefreshTokensService,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  /**
   * A token for the issuer's admin API alone (RFC 8707 `resource`): `aud` is only the admin audience, it
   * lives ADMIN_TOKEN_MAX_TTL at most, and it has no refresh token and no session to extend.
   */
  async adminToken(user: UserEntity): Promise<TokenResponse> {
    const access = await this.signer.sign({
      sub: user.id,
      roles: user.roles,
      scope: '',
      audience: [this.config.adminAudience],
      clientId: FIRST_PARTY_CLIENT_ID,
      ttlSeconds: this.config.adminTokenTtl,
    });
    return { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, scope: '' };
  }

  startSession(user: UserEntity): Promise<TokenResponse> {
    return this.refreshTokens.issue({ subject: user.id, clientId: null, scope: '' }, (next) => this.respond(user, next.familyId, next.token, next.scope));
  }

  /** The response, and the access token's jti and exp: the refresh token's row keeps them so rotating it can deny that access token. */
  async respond(
    user: Pick<UserEntity, 'id' | 'roles'>,
    familyId: string,
    refreshToken: string,
    scope: string,
    client?: { clientId: string; audience: string[] },
  ): Promise<MintedPair<TokenResponse>> {
    // RFC 9068 §2.2 requires client_id; user sessions belong to the first-party app, code-flow sessions to their client.
    const { clientId, audience } = client ?? { clientId: FIRST_PARTY_CLIENT_ID, audience: this.config.audiences };
    const access = await this.signer.sign({ sub: user.id, roles: user.roles, scope, audience, clientId, sessionId: familyId });
    const result: TokenResponse = { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, refresh_token: refreshToken, scope };
    return { result, accessJti: access.jti, accessExp: access.exp };
  }
}
