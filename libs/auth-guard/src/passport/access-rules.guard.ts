import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AccessTokenClaims } from '@app/contract';
import { RESOLVED_OPTIONS } from '../auth-guard.constants';
import type { ResolvedGuardOptions } from '../auth-guard.module-definition';
import { realmOf } from '../auth-guard.options.resolve';
import { DELEGATION_RULE, REQUIRED_ROLES, REQUIRED_SCOPES } from '../decorators/metadata.keys';
import { accessShortfall, DelegationRule } from '../guard/access-rules';
import { GuardMetrics } from '../guard/guard.metrics';
import { refusalFor } from '../http/refusal';
import { BearerChallenge } from './bearer-challenge.exception';

/**
 * `@Roles`, `@Scopes` and `@Delegation` after Passport has authenticated: `@UseGuards(AuthGuard('jwt'), AccessRulesGuard)`.
 * Same 403 insufficient_scope challenge as the native guard. JwtAuthGuard runs it for you.
 */
@Injectable()
export class AccessRulesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly metrics: GuardMetrics,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedGuardOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const claims = context.switchToHttp().getRequest<{ user: AccessTokenClaims }>().user;
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets);
    const scopes = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, targets);
    const delegation = this.reflector.getAllAndOverride<DelegationRule | undefined>(DELEGATION_RULE, targets);
    const shortfall = accessShortfall(claims, roles, scopes, delegation);
    if (!shortfall) return true;
    this.metrics.increment(shortfall.code);
    const scope = shortfall.code === 'ERR_INSUFFICIENT_SCOPE' ? shortfall.scope : undefined;
    throw new BearerChallenge(refusalFor(shortfall.code, { realm: realmOf(this.options), retryAfterSeconds: this.options.retryAfterSeconds, scope }));
  }
}
