import type { TokenResponse } from './token-response';

/** RFC 8693 §2.1 `grant_type` of a token exchange at the token endpoint. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** RFC 8693 §3 token type identifier of an access token: the only subject and issued type here. */
export const ACCESS_TOKEN_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * RFC 8693 §4.1 `act`: the party acting for the token's subject; a nested `act` names the party that acted
 * before it (most recent outermost). Only the outermost actor counts for access decisions.
 */
export interface ActorClaim {
  sub: string;
  act?: ActorClaim;
}

/** RFC 8693 §2.2.1 successful response: no refresh token, the issued type named. */
export interface TokenExchangeResponse extends TokenResponse {
  issued_token_type: typeof ACCESS_TOKEN_TOKEN_TYPE;
}

/** The actors of a token, the current one first; empty when nobody acts for the subject. */
export function actorChain(claims: { act?: ActorClaim }): string[] {
  const chain: string[] = [];
  for (let actor = claims.act; actor; actor = actor.act) chain.push(actor.sub);
  return chain;
}

/** Nesting of `act` any guard accepts; the issuer's configured chain depth is at most this. */
export const MAX_ACTOR_CHAIN_DEPTH = 8;
