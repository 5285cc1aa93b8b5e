import { Controller, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AccessTokenClaims } from '@app/contract';
import { CurrentUser, Scopes, unauthorized } from '@app/auth-guard';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { UsersService } from '../../users/users.service';
import { OIDC_PATHS } from '../oidc.constants';

/**
 * OpenID Connect Core §5.3: claims about the signed-in user for a Bearer access token with scope `openid`
 * (the global guard checks the token, its revocation and the scope; 401/403 per RFC 6750). `profile` adds the
 * username; users have no e-mail address here, so `email` adds nothing.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Controller()
export class UserInfoController {
  constructor(
    private readonly users: UsersService,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  @Get(OIDC_PATHS.userinfo)
  @Scopes('openid')
  get(@CurrentUser() claims: AccessTokenClaims, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    return this.claimsOf(claims, reply);
  }

  @Post(OIDC_PATHS.userinfo)
  @HttpCode(200)
  @Scopes('openid')
  post(@CurrentUser() claims: AccessTokenClaims, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    return this.claimsOf(claims, reply);
  }

  private async claimsOf(claims: AccessTokenClaims, reply: FastifyReply): Promise<Record<string, unknown>> {
    reply.header('cache-control', 'no-store');
    // A client's own token (client_credentials) never has openid, but a user removed since is possible.
    const user = UUID.test(claims.sub) ? await this.users.findById(claims.sub) : null;
    if (!user || user.disabled) throw unauthorized(reply, this.config.issuerUrl, true);
    const scopes = new Set(claims.scope.split(' '));
    const info: Record<string, unknown> = { sub: user.id };
    if (scopes.has('profile')) Object.assign(info, { preferred_username: user.username, name: user.username });
    return info;
  }
}
