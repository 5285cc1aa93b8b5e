import { BadGatewayException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { TokenExchangeClient, TokenExchangeError } from '@app/auth-guard';
import type { BillingCallConfig } from './billing.config';

export const BILLING_CALL_CONFIG = Symbol('BILLING_CALL_CONFIG');

/**
 * billing-api on the signed-in user's behalf: the user's token (sent to orders-api) is exchanged for one meant
 * for billing-api alone, naming orders-api as the actor. The user's own token never leaves this service.
 */
@Injectable()
export class BillingCaller {
  private readonly exchanges?: TokenExchangeClient;

  constructor(@Inject(BILLING_CALL_CONFIG) private readonly config: BillingCallConfig) {
    const { issuerUrl: issuer, clientId, clientSecret } = config;
    if (clientSecret) this.exchanges = new TokenExchangeClient({ issuer, clientId, clientSecret });
  }

  async invoices(userToken: string): Promise<unknown> {
    if (!this.exchanges) throw new ServiceUnavailableException();
    let response: Response;
    try {
      response = await this.exchanges.call(userToken, { audience: this.config.billingAudience }, `${this.config.billingUrl}/invoices`);
    } catch (error) {
      // The issuer or billing-api failed us, not the caller: their reasons stay in this service.
      if (error instanceof TokenExchangeError && error.code !== 'ERR_TOKEN_REQUEST_REFUSED') throw new ServiceUnavailableException();
      throw new BadGatewayException();
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new BadGatewayException();
    }
    return response.json();
  }
}
