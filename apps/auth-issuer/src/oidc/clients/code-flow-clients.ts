import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ClientEntity } from '../../clients/client.entity';
import { isValidClientId } from '../../clients/client.rules';

/** Reads registered clients for the browser-facing endpoints (authorize, sign-in, logout); registration stays with ClientsService. */
@Injectable()
export class CodeFlowClients {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(clientId: string | null | undefined): Promise<ClientEntity | undefined> {
    if (typeof clientId !== 'string' || !isValidClientId(clientId)) return undefined;
    return (await this.dataSource.getRepository(ClientEntity).findOneBy({ clientId })) ?? undefined;
  }
}
