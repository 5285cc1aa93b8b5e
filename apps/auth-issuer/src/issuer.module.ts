import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AUTH_COOKIE_GUARD_OPTION } from '@app/contract';
import { AuthGuardModule } from '@app/auth-guard';
import { AuditLog } from './audit/audit-log.service';
import { AuthController } from './auth/auth.controller';
import { LoginService } from './auth/login.service';
import { SessionService } from './auth/session.service';
import { ISSUER_CONFIG, IssuerConfig } from './config/issuer.config';
import { ENTITIES, typeOrmOptions } from './database/typeorm.options';
import { DiscoveryController } from './discovery/discovery.controller';
import { IssuerErrorFilter } from './errors/issuer-error.filter';
import { HealthController } from './health/health.controller';
import { AdminKeysController } from './keys/admin-keys.controller';
import { AdminAudienceGuard } from './admin/admin-audience.guard';
import { SessionTokenGuard } from './auth/session-token.guard';
import { IssuerKeySource } from './keys/issuer-key.source';
import { JwksController } from './keys/jwks.controller';
import { Clock } from './keys/clock';
import { issuerKeysModule, KEY_LIFECYCLE_PROVIDERS } from './keys/issuer-keys.module';
import { KeyEventsListener } from './keys/key-events.listener';
import { KeyRingWatch } from './keys/key-ring.watch';
import { KeyRotationScheduler } from './keys/key-rotation.scheduler';
import { OAuthController } from './oauth/oauth.controller';
import { OAUTH_PROVIDERS } from './oauth/oauth.providers';
import { ISSUER_REDIS, IssuerRedisModule } from './redis/redis.module';
import { RefreshTokensService } from './refresh/refresh-tokens.service';
import { RevocationWriter } from './revocation/revocation.writer';
import { RevocationJournal } from './revocation/revocation.journal';
import { RevocationReseeder } from './revocation/revocation.reseeder';
import { AccessTokenSigner } from './tokens/access-token.signer';
import { TokenIssuer } from './tokens/token-issuer.service';
import { DemoUsersSeeder } from './users/demo-users.seeder';
import { PasswordHasher } from './users/password.hasher';
import { UsersService } from './users/users.service';
import { HashSlots } from './throttle/hash-slots';
import { LoginThrottle } from './throttle/login-throttle.service';
import { ClientAuthThrottle } from './throttle/client-auth-throttle.service';

/** Test seams; production passes none. */
export interface IssuerOverrides {
  /** Time source of the key lifecycle. */
  clock?: Clock;
}

@Module({})
export class IssuerModule {
  static forConfig(config: IssuerConfig, overrides: IssuerOverrides = {}): DynamicModule {
    const configModule = { module: class IssuerConfigModule {}, global: true, providers: [{ provide: ISSUER_CONFIG, useValue: config }], exports: [ISSUER_CONFIG] };
    return {
      module: IssuerModule,
      imports: [
        configModule,
        TypeOrmModule.forRoot(typeOrmOptions(config.databaseUrl)),
        TypeOrmModule.forFeature(ENTITIES),
        IssuerRedisModule,
        issuerKeysModule(overrides.clock),
        ScheduleModule.forRoot(),
        TerminusModule.forRoot({ logger: false }),
        AuthGuardModule.forRootAsync({
          inject: [IssuerKeySource, ISSUER_REDIS],
          useFactory: (keySource: IssuerKeySource, redis) => ({
            issuer: config.issuerUrl,
            // Never the issuer URL itself: user tokens (logout) name the services, admin tokens the admin API,
            // which AdminAudienceGuard then requires exactly on /admin/*.
            audience: [config.adminAudience, ...config.audiences],
            realm: config.issuerUrl,
            keySource,
            redis,
            redisPrefix: config.redisPrefix,
            cookie: config.cookieDelivery ? AUTH_COOKIE_GUARD_OPTION : undefined,
            requireRevocationSeed: true,
          }),
        }),
      ],
      controllers: [AuthController, OAuthController, JwksController, DiscoveryController, AdminKeysController, HealthController],
      providers: [
        { provide: APP_FILTER, useClass: IssuerErrorFilter },
        AuditLog,
        PasswordHasher,
        HashSlots,
        LoginThrottle,
        ClientAuthThrottle,
        UsersService,
        DemoUsersSeeder,
        RefreshTokensService,
        RevocationWriter,
        RevocationJournal,
        RevocationReseeder,
        AccessTokenSigner,
        TokenIssuer,
        LoginService,
        SessionService,
        AdminAudienceGuard,
        SessionTokenGuard,
        ...KEY_LIFECYCLE_PROVIDERS,
        KeyRotationScheduler,
        KeyEventsListener,
        KeyRingWatch,
        ...OAUTH_PROVIDERS,
      ],
    };
  }
}
