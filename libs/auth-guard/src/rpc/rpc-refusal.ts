import type { VerificationFailure } from '../verify/verification.error';

/** Stable, transport-neutral refusal codes; their gRPC status numbers (grpc/status.proto) travel with them. */
export const RPC_STATUS = { UNAUTHENTICATED: 16, PERMISSION_DENIED: 7, UNAVAILABLE: 14 } as const;
export type RpcRefusalCode = keyof typeof RPC_STATUS;

/** What a refused message's caller receives (the error of the RpcException). Says nothing about which check failed. */
export interface RpcRefusal {
  code: RpcRefusalCode;
  /** The gRPC status number of `code`. */
  status: (typeof RPC_STATUS)[RpcRefusalCode];
  /** RFC 6750 error code, as in the HTTP challenge; absent when no token was sent. */
  error?: 'invalid_token' | 'insufficient_scope';
  /** For insufficient_scope: the scopes the handler needs. */
  scope?: string;
  /** For UNAVAILABLE: when a retry can succeed. */
  retryAfterSeconds?: number;
  message: string;
}

/** The HTTP refusal table (http/refusal.ts) in RPC terms: 401 → UNAUTHENTICATED, 403 → PERMISSION_DENIED, 503 → UNAVAILABLE. */
export function rpcRefusalFor(code: VerificationFailure, context: { retryAfterSeconds: number; scope?: string }): RpcRefusal {
  switch (code) {
    case 'ERR_KEYS_UNAVAILABLE':
    case 'ERR_REVOCATION_UNAVAILABLE':
      return { code: 'UNAVAILABLE', status: 14, retryAfterSeconds: context.retryAfterSeconds, message: 'Service Unavailable' };
    case 'ERR_INSUFFICIENT_ROLE':
    case 'ERR_INSUFFICIENT_SCOPE':
    case 'ERR_DELEGATION_REFUSED':
      return { code: 'PERMISSION_DENIED', status: 7, error: 'insufficient_scope', ...(context.scope ? { scope: context.scope } : {}), message: 'Forbidden' };
    case 'ERR_TOKEN_MISSING':
      return { code: 'UNAUTHENTICATED', status: 16, message: 'Unauthorized' };
    default:
      return { code: 'UNAUTHENTICATED', status: 16, error: 'invalid_token', message: 'Unauthorized' };
  }
}
