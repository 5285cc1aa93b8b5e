import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AccessTokenClaims } from '@app/contract';
import { RESOLVED_OPTIONS } from '../auth-guard.constants';
import type { ResolvedGuardOptions } from '../auth-guard.module-definition';
import { realmOf } from '../auth-guard.options.resolve';
import { accessShortfall } from '../guard/access-rules';
import { GuardMetrics } from '../guard/guard.metrics';
import { RoutePolicies } from '../guard/route-policy';
import { refusalFor } from '../http/refusal';
import { BearerChallenge } from './bearer-challenge.exception';

/**
 * `@Roles`, `@Scopes` and `@Delegation` after Passport has authenticated: `@UseGuards(AuthGuard('jwt'), AccessRulesGuard)`.
 * Same 403 insufficient_scope challenge as the native guard. JwtAuthGuard runs it for you.
 */
@Injectable()
export class AccessRulesGuard implements CanActivate {
  private readonly policies: RoutePolicies;

  constructor(
    reflector: Reflector,
    private readonly metrics: GuardMetrics,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedGuardOptions,
  ) {
    this.policies = new RoutePolicies(reflector);
  }

  canActivate(context: ExecutionContext): boolean {
    const { roles, scopes, delegation } = this.policies.of(context.getHandler(), context.getClass());
    const claims = context.switchToHttp().getRequest<{ user: AccessTokenClaims }>().user;
    const shortfall = accessShortfall(claims, roles, scopes, delegation);
    if (!shortfall) return true;
    this.metrics.increment(shortfall.code);
    const scope = shortfall.code === 'ERR_INSUFFICIENT_SCOPE' ? shortfall.scope : undefined;
    throw new BearerChallenge(refusalFor(shortfall.code, { realm: realmOf(this.options), retryAfterSeconds: this.options.retryAfterSeconds, scope }));
  }
}
