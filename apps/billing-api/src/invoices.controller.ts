import { Controller, Get } from '@nestjs/common';
import { type AccessTokenClaims, actorChain } from '@app/contract';
import { CurrentUser, Scopes } from '@app/auth-guard';

/** A stand-in domain endpoint: what a real service would serve to the caller. */
@Controller('invoices')
export class InvoicesController {
  /** The user's invoices; when a service calls for the user (token exchange), it is named beside them. */
  @Get()
  list(@CurrentUser() claims: AccessTokenClaims) {
    return { owner: claims.sub, sub: claims.sub, actor: claims.act?.sub ?? null, actor_chain: actorChain(claims), invoices: [] };
  }

  /** Service-to-service read: needs a client token carrying the invoices:read scope. */
  @Get('summary')
  @Scopes('invoices:read')
  summary() {
    return { count: 0 };
  }
}
