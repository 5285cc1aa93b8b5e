import type { ActorClaim } from './token-exchange';

/** The JOSE `typ` every access token carries (RFC 9068 §2.1). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Claims of an access token as the issuer mints them and the guard hands to handlers. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nbf?: number;
  jti: string;
  roles: string[];
  scope: string;
  client_id?: string;
  /** The refresh family (session) the token was minted for; absent on client tokens. */
  sid?: string;
  /** RFC 8693 §4.1: the service acting for `sub` (token exchange); nested for multi-hop calls. */
  act?: ActorClaim;
}

export const REQUIRED_ACCESS_TOKEN_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'] as const;

/**
 * `client_id` of every user token from /auth/login and its refreshes (RFC 9068 §2.2 requires the claim):
 * the first-party app, a public client. Reserved: no registered client can take this id.
 */
export const FIRST_PARTY_CLIENT_ID = 'first-party';
