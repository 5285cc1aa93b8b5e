import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { RoutePolicies } from '../guard/route-policy';
import { AccessRulesGuard } from './access-rules.guard';

/**
 * `AuthGuard('jwt')` plus the native guard's decorators: `@Public()` skips it, `@Roles` and `@Scopes`
 * answer 403. Usable per route (`@UseGuards(JwtAuthGuard)`) or globally (`APP_GUARD`, deny by default).
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  private readonly policies: RoutePolicies;

  constructor(
    reflector: Reflector,
    private readonly rules: AccessRulesGuard,
  ) {
    super();
    this.policies = new RoutePolicies(reflector);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.policies.of(context.getHandler(), context.getClass()).isPublic) return true;
    await super.canActivate(context);
    return this.rules.canActivate(context);
  }
}
