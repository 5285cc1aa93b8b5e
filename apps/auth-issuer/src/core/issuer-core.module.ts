import type { RedisClient } from '@app/platform';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { typeOrmOptions } from '../database/typeorm.options';
import { SigningKeyStore } from '../keys/store/signing-key.store';
import { closeIssuerRedis, ISSUER_REDIS, ISSUER_REDIS_PROVIDER } from '../redis/issuer-redis';
import { CLOCK, Clock, SYSTEM_CLOCK } from './clock';

export interface IssuerCoreOptions {
  /** Time source of the key lifecycle; tests move it. */
  clock?: Clock;
  /** TypeORM log levels; the CLI keeps its output to errors. */
  databaseLogging?: DataSourceOptions['logging'];
}

/**
 * What every part of the issuer stands on, server and operator CLI alike: the validated config, PostgreSQL
 * (TypeORM), Redis, the audit log, the clock and the signing-key store (with the key encryption it applies).
 * The issuer's only global module: features import each other explicitly, so Nest refuses an undeclared dependency.
 */
@Module({})
export class IssuerCoreModule implements OnApplicationShutdown {
  constructor(@Inject(ISSUER_REDIS) private readonly redis: RedisClient) {}

  static forConfig(config: IssuerConfig, options: IssuerCoreOptions = {}): DynamicModule {
    const database = typeOrmOptions(config.databaseUrl, config.database);
    return {
      module: IssuerCoreModule,
      global: true,
      imports: [TypeOrmModule.forRoot(options.databaseLogging === undefined ? database : { ...database, logging: options.databaseLogging })],
      providers: [
        { provide: ISSUER_CONFIG, useValue: config },
        { provide: CLOCK, useValue: options.clock ?? SYSTEM_CLOCK },
        ISSUER_REDIS_PROVIDER,
        AuditLog,
        SigningKeyStore,
      ],
      exports: [ISSUER_CONFIG, CLOCK, ISSUER_REDIS, AuditLog, SigningKeyStore],
    };
  }

  // Global modules shut down last, so every feature has finished with Redis by now.
  async onApplicationShutdown(): Promise<void> {
    await closeIssuerRedis(this.redis);
  }
}
