import { Controller, Get } from '@nestjs/common';
import type { AccessTokenClaims } from '@app/contract';
import { CurrentUser, Scopes } from '@app/auth-guard';

/** A stand-in domain endpoint: what a real service would serve to the caller. */
@Controller('orders')
export class OrdersController {
  @Get()
  list(@CurrentUser() claims: AccessTokenClaims) {
    return { owner: claims.sub, orders: [] };
  }

  /** Service-to-service read: needs a client token carrying the orders:read scope. */
  @Get('summary')
  @Scopes('orders:read')
  summary() {
    return { count: 0 };
  }
}
