import { Injectable } from '@nestjs/common';
import type { ClientEntity } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { IssuerError } from '../errors/issuer.error';
import { readClientCredentials } from './client-credentials.reader';
import type { OAuthForm } from './oauth.form';

type Headers = Record<string, string | string[] | undefined>;

/** Client authentication for the OAuth endpoints: presented credentials are always checked, never ignored. */
@Injectable()
export class ClientAuthentication {
  constructor(private readonly clients: ClientsService) {}

  /**
   * The authenticated client, or undefined for a first-party request: no credentials, or a public
   * client's `client_id` alone (auth method `none`, as openid-client sends it). Every registered client
   * is confidential, so its id without its secret is `invalid_client`. Any other name is taken as the
   * first-party app: nothing authenticates a public client's name, so it grants nothing beyond what no
   * client_id at all would.
   */
  async optional(headers: Headers, form: OAuthForm): Promise<ClientEntity | undefined> {
    const presented = readClientCredentials(headers, form);
    if (!presented) return undefined;
    if (presented.secret === null) {
      await this.clients.assertNotConfidential(presented.clientId);
      return undefined;
    }
    return this.clients.authenticate(presented);
  }

  async required(headers: Headers, form: OAuthForm): Promise<ClientEntity> {
    const client = await this.optional(headers, form);
    if (!client) throw new IssuerError('invalid_client', 'client authentication required');
    return client;
  }
}
