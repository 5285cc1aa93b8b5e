import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ClientEntity } from '../clients/client.entity';
import { seedDemoClient } from '../clients/demo-client.seed';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { PasswordHasher } from '../users/password.hasher';

/** The contract's demo service client: orders-api calls billing-api on a user's behalf. Never in production. */
const DEMO_EXCHANGE_CLIENT = {
  clientId: 'orders-api',
  secret: 'orders-api-secret',
  audiences: ['billing-api'],
  scopes: ['invoices:read'],
  exchangeAudiences: ['billing-api'],
  exchangeScopes: ['invoices:read'],
} as const;

/**
 * Inserted directly, not through clients:create: the contract's demo secret is shorter than registration
 * allows for real clients, and only its argon2id hash is stored like any other.
 */
@Injectable()
export class DemoExchangeClientSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoClients');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.production) return;
    const repository = this.dataSource.getRepository(ClientEntity);
    const demo = DEMO_EXCHANGE_CLIENT;
    await seedDemoClient(
      repository,
      demo.clientId,
      async () => ({
        secretHash: await this.hasher.hash(demo.secret),
        allowedAudiences: [...demo.audiences],
        allowedScopes: [...demo.scopes],
        exchangeAudiences: [...demo.exchangeAudiences],
        exchangeScopes: [...demo.exchangeScopes],
      }),
      this.logger,
    );
  }
}
