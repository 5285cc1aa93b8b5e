import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ClientEntity } from '../../clients/client.entity';
import { isValidClientId } from '../../clients/client.rules';
import { OPERATOR_CONSOLE_CLIENT_ID, operatorConsoleClient } from '../../clients/operator-console.client';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';

/** Reads registered clients for the browser-facing endpoints (authorize, sign-in, logout); registration stays with ClientsService. */
@Injectable()
export class CodeFlowClients {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async find(clientId: string | null | undefined): Promise<ClientEntity | undefined> {
    // The built-in console client comes first: a stray database row of that name can never stand in for it.
    if (clientId === OPERATOR_CONSOLE_CLIENT_ID) return operatorConsoleClient(this.config.issuerUrl);
    if (typeof clientId !== 'string' || !isValidClientId(clientId)) return undefined;
    return (await this.dataSource.getRepository(ClientEntity).findOneBy({ clientId })) ?? undefined;
  }
}
