import { Inject, Injectable } from '@nestjs/common';
import type { ClientEntity } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { OPERATOR_CONSOLE_CLIENT_ID, operatorConsoleClient } from '../clients/operator-console.client';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';
import { ClientAuthThrottle } from '../throttle/client-auth-throttle.service';
import { readClientCredentials } from './client-credentials.reader';
import type { OAuthForm } from './oauth.form';

type Headers = Record<string, string | string[] | undefined>;

/**
 * Client authentication for the OAuth endpoints: presented credentials are always checked, never ignored,
 * and failures are throttled per client_id and per client address (`ip`: request.ip, which honours
 * X-Forwarded-For only behind a TRUST_PROXY).
 */
@Injectable()
export class ClientAuthentication {
  constructor(
    private readonly clients: ClientsService,
    private readonly throttle: ClientAuthThrottle,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  /**
   * The authenticated client, or undefined for a first-party request: no credentials, or an unregistered
   * `client_id` alone (auth method `none`, as openid-client sends it). A registered public client's id alone
   * names that client (`clientType: 'public'`: nothing proves it, so it may only redeem its own PKCE-bound codes
   * and refresh tokens); a confidential client's id without its secret is `invalid_client`. Any other name is
   * taken as the first-party app: it grants nothing beyond what no client_id at all would. Only secret checks
   * are throttled: an id alone guesses nothing.
   */
  async optional(headers: Headers, form: OAuthForm, ip: string): Promise<ClientEntity | undefined> {
    const presented = readClientCredentials(headers, form);
    if (!presented) return undefined;
    if (presented.secret === null)
      // The console is a built-in public client (no row); with a secret it is unknown and fails as any wrong secret does.
      return presented.clientId === OPERATOR_CONSOLE_CLIENT_ID ? operatorConsoleClient(this.config.issuerUrl) : this.clients.publicClient(presented.clientId);
    const credentials = { clientId: presented.clientId, secret: presented.secret };
    return this.throttle.attempt(credentials.clientId, ip, () => this.clients.authenticate(credentials));
  }

  async required(headers: Headers, form: OAuthForm, ip: string): Promise<ClientEntity> {
    const client = await this.optional(headers, form, ip);
    if (!client || client.clientType !== 'confidential') throw new IssuerError('invalid_client', 'client authentication required');
    return client;
  }
}
