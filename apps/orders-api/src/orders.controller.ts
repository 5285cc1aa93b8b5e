import { BadRequestException, Controller, Get, Headers } from '@nestjs/common';
import type { AccessTokenClaims } from '@app/contract';
import { CurrentUser, Delegation, Scopes } from '@app/auth-guard';
import { BillingCaller } from './billing.caller';

const BEARER = /^Bearer +(\S+)$/i;

/** A stand-in domain endpoint: what a real service would serve to the caller. */
@Controller('orders')
export class OrdersController {
  constructor(private readonly billing: BillingCaller) {}

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

  /**
   * The user's invoices, fetched from billing-api on their behalf (token exchange). Only for the user's own
   * token: a token some service already holds for them is not exchanged onward from here.
   */
  @Get('invoice-summary')
  @Delegation({ forbid: true })
  async invoiceSummary(@CurrentUser() claims: AccessTokenClaims, @Headers('authorization') authorization?: string) {
    // The guard accepted this header's token; a cookie-mode request carries none this route could exchange.
    const token = BEARER.exec(authorization ?? '')?.[1];
    if (!token) throw new BadRequestException();
    return { sub: claims.sub, billing: await this.billing.invoices(token) };
  }
}
