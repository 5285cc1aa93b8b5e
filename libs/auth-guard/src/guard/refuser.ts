import type { ExecutionContext } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { WsException } from '@nestjs/websockets';
import { forbidden, unauthorized, unavailable } from '../http/challenge';
import { rpcRefusalFor } from '../rpc/rpc-refusal';

/** How a refusal reaches the caller in one kind of context; the guard decides *whether* to refuse, this decides the form. */
export interface Refuser {
  unauthorized(tokenPresented: boolean): Error;
  forbidden(scope?: string): Error;
  unavailable(retryAfterSeconds: number): Error;
}

/** HTTP: RFC 6750 challenges on the response (http/challenge.ts). */
export function httpRefuser(context: ExecutionContext, realm: string): Refuser {
  const response = context.switchToHttp().getResponse<Parameters<typeof unauthorized>[0]>();
  return {
    unauthorized: (presented) => unauthorized(response, realm, presented),
    forbidden: (scope) => forbidden(response, realm, scope),
    unavailable: (seconds) => unavailable(response, seconds),
  };
}

/**
 * RPC and WebSocket messages: the RpcRefusal object (rpc/rpc-refusal.ts) as the exception's error. Over gRPC, Nest hands
 * the error to grpc-js, which reads a numeric `code` as the call's status and `details` as its message.
 */
export function messageRefuser(kind: 'rpc' | 'grpc' | 'ws'): Refuser {
  const refuse = (code: Parameters<typeof rpcRefusalFor>[0], retryAfterSeconds = 0, scope?: string): Error => {
    const refusal = rpcRefusalFor(code, { retryAfterSeconds, scope });
    if (kind === 'ws') return new WsException(refusal);
    if (kind === 'rpc') return new RpcException(refusal);
    return new RpcException({ code: refusal.status, details: refusal.error ?? refusal.code, message: refusal.error ?? refusal.code });
  };
  return {
    unauthorized: (presented) => refuse(presented ? 'ERR_TOKEN_MALFORMED' : 'ERR_TOKEN_MISSING'),
    forbidden: (scope) => refuse(scope ? 'ERR_INSUFFICIENT_SCOPE' : 'ERR_INSUFFICIENT_ROLE', 0, scope),
    unavailable: (seconds) => refuse('ERR_KEYS_UNAVAILABLE', seconds),
  };
}
