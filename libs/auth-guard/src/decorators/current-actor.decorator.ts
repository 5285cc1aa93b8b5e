import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { type AccessTokenClaims, type ActorClaim } from '@app/contract';
import { claimsOf } from '../rpc/connection-claims';

/**
 * The service acting for the caller's user (RFC 8693 `act`, with earlier actors nested in it), or undefined
 * when the user called directly. `actorChain(claims)` from @app/contract lists them, current first.
 */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): ActorClaim | undefined => {
  const kind = context.getType<'http' | 'rpc' | 'ws'>();
  const claims =
    kind === 'rpc'
      ? claimsOf(context.switchToRpc().getContext())
      : kind === 'ws'
        ? claimsOf(context.switchToWs().getClient())
        : context.switchToHttp().getRequest<{ user?: AccessTokenClaims }>().user;
  return claims?.act;
});
