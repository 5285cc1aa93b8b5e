import { Controller, Get } from '@nestjs/common';
import type { AccessTokenClaims } from '@app/contract';
import { CurrentUser, Roles } from '@app/auth-guard';

/** The contract's endpoints every resource service answers: who am I, and an admin-only probe. */
@Controller()
export class IdentityController {
  @Get('me')
  me(@CurrentUser() claims: AccessTokenClaims) {
    return { sub: claims.sub, roles: claims.roles, scope: claims.scope, client_id: claims.client_id };
  }

  @Get('admin/ping')
  @Roles('admin')
  ping() {
    return { pong: true };
  }
}
