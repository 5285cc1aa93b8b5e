import { Global, Module } from '@nestjs/common';
import { KEY_EVENTS, KEY_SOURCE } from './auth-guard.constants';
import { AuthGuardHealth } from './auth-guard.health';
import { AuthGuardLifecycle } from './auth-guard.lifecycle';
import { ConfigurableModuleClass } from './auth-guard.module-definition';
import { AUTH_GUARD_PROVIDERS } from './auth-guard.providers';
import { GuardMetrics } from './guard/guard.metrics';
import { AccessTokenVerifier } from './verify/access-token.verifier';

/**
 * Verifies access tokens against the issuer's JWKS on every route (deny by default).
 *
 * @example
 * AuthGuardModule.forRoot({ issuer: 'https://auth.example.com', audience: 'orders-api', redis: process.env.REDIS_URL })
 */
@Global()
@Module({
  providers: [...AUTH_GUARD_PROVIDERS, AuthGuardLifecycle, AuthGuardHealth],
  exports: [AuthGuardHealth, AccessTokenVerifier, GuardMetrics, KEY_SOURCE, KEY_EVENTS],
})
export class AuthGuardModule extends ConfigurableModuleClass {}
