import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { IS_PUBLIC } from '../decorators/metadata.keys';
import { AccessRulesGuard } from './access-rules.guard';

/**
 * `AuthGuard('jwt')` plus the native guard's decorators: `@Public()` skips it, `@Roles` and `@Scopes`
 * answer 403. Usable per route (`@UseGuards(JwtAuthGuard)`) or globally (`APP_GUARD`, deny by default).
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly rules: AccessRulesGuard,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    await super.canActivate(context);
    return this.rules.canActivate(context);
  }
}
