import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { KEY_EVENTS, KEY_SOURCE, RESOLVED_OPTIONS } from '../auth-guard.constants';
import { AuthGuardHealth } from '../auth-guard.health';
import { AuthGuardLifecycle } from '../auth-guard.lifecycle';
import { MODULE_OPTIONS_TOKEN } from '../auth-guard.module-definition';
import { AUTH_GUARD_CORE_PROVIDERS } from '../auth-guard.providers';
import { GuardMetrics } from '../guard/guard.metrics';
import { AccessTokenVerifier } from '../verify/access-token.verifier';
import { AccessRulesGuard } from './access-rules.guard';
import { AccessTokenStrategy } from './access-token.strategy';
import { BearerChallengeFilter } from './bearer-challenge.filter';
import { JwtAuthGuard } from './jwt-auth.guard';
import { PASSPORT_JWT_OPTIONS, PassportJwtConfigurableModule } from './passport-jwt.module-definition';

/**
 * The guard's verifier, key set and revocation checks behind a Passport strategy named 'jwt', for
 * services written with `@UseGuards(AuthGuard('jwt'))`. Same options as AuthGuardModule; no global guard.
 *
 * @example
 * PassportJwtModule.forRoot({ issuer: 'https://auth.example.com', audience: 'orders-api', redis: process.env.REDIS_URL })
 */
@Global()
@Module({
  providers: [
    { provide: MODULE_OPTIONS_TOKEN, useExisting: PASSPORT_JWT_OPTIONS },
    ...AUTH_GUARD_CORE_PROVIDERS,
    AuthGuardLifecycle,
    AuthGuardHealth,
    AccessTokenStrategy,
    AccessRulesGuard,
    JwtAuthGuard,
    { provide: APP_FILTER, useClass: BearerChallengeFilter },
  ],
  exports: [AuthGuardHealth, AccessTokenVerifier, GuardMetrics, AccessTokenStrategy, AccessRulesGuard, JwtAuthGuard, RESOLVED_OPTIONS, KEY_SOURCE, KEY_EVENTS],
})
export class PassportJwtModule extends PassportJwtConfigurableModule {}
