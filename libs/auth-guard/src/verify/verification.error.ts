/**
 * Why a token was refused. Codes go to logs and metrics, never to the caller,
 * who only ever sees `invalid_token`, `insufficient_scope` or a bare 503.
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
  | 'ERR_INSUFFICIENT_ROLE'
  | 'ERR_INSUFFICIENT_SCOPE'
  | 'ERR_KEYS_UNAVAILABLE'
  | 'ERR_REVOCATION_UNAVAILABLE';

const MAX_DETAIL = 120;

export class VerificationError extends Error {
  /** For ERR_KEYS_UNAVAILABLE: when a retry can succeed, in seconds. */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: VerificationFailure,
    detail?: string,
    options: { retryAfterSeconds?: number } = {},
  ) {
    // Details often echo attacker-chosen header values: printable ASCII only, and short, so logs stay one honest line.
    super(detail ? `${code}: ${detail.slice(0, MAX_DETAIL).replace(/[^\x20-\x7e]/g, '?')}` : code);
    this.name = 'VerificationError';
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
