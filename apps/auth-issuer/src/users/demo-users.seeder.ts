import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { UsersService } from './users.service';

/** The contract's demo users; never created in production. */
const DEMO_USERS = [
  { username: 'admin', password: 'admin-password', roles: ['admin', 'user'] },
  { username: 'alice', password: 'alice-password', roles: ['user'] },
] as const;

@Injectable()
export class DemoUsersSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoUsers');

  constructor(
    private readonly users: UsersService,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.production) return;
    for (const demo of DEMO_USERS) {
      if (await this.users.findByUsername(demo.username)) continue;
      // A concurrent replica may win the insert; that is fine.
      await this.users.create(demo.username, demo.password, [...demo.roles]).catch(() => undefined);
      this.logger.log(`seeded demo user ${demo.username}`);
    }
  }
}
