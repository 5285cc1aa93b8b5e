import type { AccessTokenClaims } from '@app/contract';
import { ClaimsPolicy, checkClaims } from './claims.check';
import { decodeSegment } from './jws-header';
import { PAYLOAD_MAX_DEPTH } from './strict-segments';

/**
 * The payload of a token whose signature has been verified, decoded strictly and put through the claim checks.
 * Shared by every verifier (the asymmetric one here, the single-service HS256 mode in @app/hs256-tokens):
 * one copy of the checks, whichever primitive checked the signature.
 */
export function claimsOfSignedToken(token: string, policy: ClaimsPolicy, nowSeconds: number): AccessTokenClaims {
  const payload = decodeSegment(token.slice(token.indexOf('.') + 1, token.lastIndexOf('.')), PAYLOAD_MAX_DEPTH);
  return checkClaims(payload, policy, nowSeconds);
}
