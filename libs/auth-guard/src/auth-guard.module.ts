import { Global, Module } from '@nestjs/common';
import { KEY_EVENTS, KEY_SOURCE, RESOLVED_OPTIONS } from './auth-guard.constants';
import { AuthGuardHealth } from './auth-guard.health';
import { AuthGuardLifecycle } from './auth-guard.lifecycle';
import { ConfigurableModuleClass } from './auth-guard.module-definition';
import { AUTH_GUARD_PROVIDERS } from './auth-guard.providers';
import { GuardMetrics } from './guard/guard.metrics';
import { RevocationChecker } from './revocation/revocation.checker';
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
  // RESOLVED_OPTIONS and RevocationChecker let `@UseGuards(AccessTokenGuard)` resolve in a gateway's module: Nest applies
  // no global guard to WebSocket gateways, and an unresolved (optional) RevocationChecker would silently skip revocation.
  exports: [AuthGuardHealth, AccessTokenVerifier, GuardMetrics, KEY_SOURCE, KEY_EVENTS, RESOLVED_OPTIONS, RevocationChecker],
})
export class AuthGuardModule extends ConfigurableModuleClass {}
