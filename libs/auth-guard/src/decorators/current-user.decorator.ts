import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AccessTokenClaims } from '@app/contract';
import { claimsOf } from '../rpc/connection-claims';

/** The verified access-token claims of the caller: of the HTTP request, the RPC message or the WebSocket connection. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AccessTokenClaims | undefined => {
  const kind = context.getType<'http' | 'rpc' | 'ws'>();
  if (kind === 'rpc') return claimsOf(context.switchToRpc().getContext());
  if (kind === 'ws') return claimsOf(context.switchToWs().getClient());
  return context.switchToHttp().getRequest<{ user?: AccessTokenClaims }>().user;
});
