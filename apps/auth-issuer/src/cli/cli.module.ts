import { DynamicModule, Module } from '@nestjs/common';
import type { IssuerConfig } from '../config/issuer.config';
import { IssuerCoreModule } from '../core/issuer-core.module';
import { KeyLifecycleModule } from '../keys/lifecycle/key-lifecycle.module';
import { UsersModule } from '../users/users.module';

/**
 * The operator CLI's slice of the issuer: the server's core (config, database, Redis, audit, key store) and the
 * same services that change keys and users, on the same database and lock, without HTTP, key ring, scheduler or
 * demo users. Replicas hear of its changes on Redis.
 */
@Module({})
export class CliModule {
  static forConfig(config: IssuerConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [IssuerCoreModule.forConfig(config, { databaseLogging: ['error'] }), UsersModule, KeyLifecycleModule.withoutKeyRing()],
    };
  }
}
