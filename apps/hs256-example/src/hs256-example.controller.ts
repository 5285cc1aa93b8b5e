import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import type { AccessTokenClaims } from '@app/contract';
import { CurrentUser, Hs256TokenService, Public, Roles, Scopes } from '@app/hs256-tokens';

/** Routes of a service that signs and verifies its own HS256 tokens; deny by default, as with the issuer's tokens. */
@Controller()
export class Hs256ExampleController {
  constructor(private readonly tokens: Hs256TokenService) {}

  @Public()
  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Get('me')
  me(@CurrentUser() user: AccessTokenClaims) {
    return { sub: user.sub, roles: user.roles };
  }

  @Roles('admin')
  @Get('admin')
  admin() {
    return { admin: true };
  }

  @Scopes('reports:read')
  @Get('reports')
  reports() {
    return { reports: [] };
  }

  /** The presented token (already verified by the guard) is denied until it would have expired. */
  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentUser() user: AccessTokenClaims): Promise<void> {
    await this.tokens.revoke(user);
  }
}
