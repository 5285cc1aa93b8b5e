import { Controller, Get } from '@nestjs/common';
import type { AccessTokenClaims } from '@app/contract';
import { CurrentUser, Scopes } from '@app/auth-guard';

/** A stand-in domain endpoint: what a real service would serve to the caller. */
@Controller('invoices')
export class InvoicesController {
  @Get()
  list(@CurrentUser() claims: AccessTokenClaims) {
    return { owner: claims.sub, invoices: [] };
  }

  /** Service-to-service read: needs a client token carrying the invoices:read scope. */
  @Get('summary')
  @Scopes('invoices:read')
  summary() {
    return { count: 0 };
  }
}
