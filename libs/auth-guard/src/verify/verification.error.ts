/**
 * Why a token was refused. Codes go to logs and metrics, never to the caller,
 * who only ever sees `invalid_token`.
 */
export type VerificationFailure =
  | 'ERR_TOKEN_MISSING'
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_HEADER_REFUSED'
  | 'ERR_ALG_NOT_ALLOWED'
  | 'ERR_TYP_MISMATCH'
  | 'ERR_KID_UNKNOWN'
  | 'ERR_SIGNATURE_INVALID'
  | 'ERR_CLAIMS_INVALID'
  | 'ERR_ISSUER_MISMATCH'
  | 'ERR_AUDIENCE_MISMATCH'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_REVOKED'
  | 'ERR_KEYS_UNAVAILABLE'
  | 'ERR_REVOCATION_UNAVAILABLE';

export class VerificationError extends Error {
  constructor(readonly code: VerificationFailure, detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
  }
}
