import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { ENTITIES, typeOrmOptions } from '../database/typeorm.options';
import { CLOCK, SYSTEM_CLOCK } from '../keys/clock';
import { KEY_LIFECYCLE_PROVIDERS } from '../keys/issuer-keys.module';
import { SigningKeyStore } from '../keys/signing-key.store';
import { IssuerRedisModule } from '../redis/redis.module';
import { PasswordHasher } from '../users/password.hasher';
import { UsersService } from '../users/users.service';

@Module({})
class CliConfigModule {}

/**
 * The operator CLI's slice of the issuer: the same services that change keys and users, on the same
 * database and lock, without HTTP, key ring, scheduler or demo users. Replicas hear of its changes on Redis.
 */
@Module({})
export class CliModule {
  static forConfig(config: IssuerConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        { module: CliConfigModule, global: true, providers: [{ provide: ISSUER_CONFIG, useValue: config }], exports: [ISSUER_CONFIG] },
        TypeOrmModule.forRoot({ ...typeOrmOptions(config.databaseUrl), logging: ['error'] }),
        TypeOrmModule.forFeature(ENTITIES),
        IssuerRedisModule,
      ],
      providers: [
        SigningKeyStore,
        { provide: CLOCK, useValue: SYSTEM_CLOCK },
        AuditLog,
        PasswordHasher,
        UsersService,
        ...KEY_LIFECYCLE_PROVIDERS,
      ],
    };
  }
}
