import type { AccessTokenClaims } from '@app/contract';

/**
 * Verified claims per RPC message and per WebSocket connection. Keyed on the object Nest hands to
 * `@CurrentUser` as well (the transport context, the gRPC metadata, the ws client), and weakly, so
 * nothing outlives the message or the connection.
 */
const claimsByCarrier = new WeakMap<object, AccessTokenClaims>();

export const attachClaims = (carrier: unknown, claims: AccessTokenClaims): void => {
  if (typeof carrier === 'object' && carrier !== null) claimsByCarrier.set(carrier, claims);
};

export const claimsOf = (carrier: unknown): AccessTokenClaims | undefined =>
  typeof carrier === 'object' && carrier !== null ? claimsByCarrier.get(carrier) : undefined;
