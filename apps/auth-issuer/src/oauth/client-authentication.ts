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

  /** The authenticated client, or undefined for a first-party request that presents no credentials. */
  async optional(headers: Headers, form: OAuthForm): Promise<ClientEntity | undefined> {
    const credentials = readClientCredentials(headers, form);
    return credentials && this.clients.authenticate(credentials);
  }

  async required(headers: Headers, form: OAuthForm): Promise<ClientEntity> {
    const client = await this.optional(headers, form);
    if (!client) throw new IssuerError('invalid_client', 'client authentication required');
    return client;
  }
}
