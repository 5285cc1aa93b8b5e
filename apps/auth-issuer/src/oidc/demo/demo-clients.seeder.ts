import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ClientEntity } from '../../clients/client.entity';
import { seedDemoClient } from '../../clients/demo-client.seed';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { PasswordHasher } from '../../users/password.hasher';

/** The contract's demo sign-in clients: first-party, for the demo services; never created in production. */
const DEMO_CODE_FLOW_CLIENTS = [
  { clientId: 'demo-spa', clientType: 'public', secret: null, port: 4180 },
  { clientId: 'demo-portal', clientType: 'confidential', secret: 'demo-portal-secret', port: 4181 },
] as const;

@Injectable()
export class DemoClientsSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoClients');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.production) return;
    const repository = this.dataSource.getRepository(ClientEntity);
    for (const demo of DEMO_CODE_FLOW_CLIENTS) {
      const origin = `http://127.0.0.1:${demo.port}`;
      await seedDemoClient(
        repository,
        demo.clientId,
        async () => ({
          clientType: demo.clientType,
          secretHash: demo.secret === null ? null : await this.hasher.hash(demo.secret),
          allowedScopes: [],
          allowedAudiences: ['orders-api', 'billing-api'],
          redirectUris: [`${origin}/callback`],
          postLogoutRedirectUris: [`${origin}/`],
          firstParty: true,
        }),
        this.logger,
      );
    }
  }
}
