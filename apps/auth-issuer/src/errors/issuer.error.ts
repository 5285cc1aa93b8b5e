/**
 * Every failure the issuer reports, as a closed union of codes (RFC 6749 §5.2 names where they exist).
 * Services throw these; one filter maps them to HTTP.
 */
export type IssuerErrorCode =
  | 'invalid_request'
  | 'invalid_credentials'
  | 'invalid_grant'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'not_found'
  | 'conflict'
  | 'invalid_key'
  | 'weak_key'
  | 'rate_limited'
  | 'client_throttled'
  | 'temporarily_unavailable';

export class IssuerError extends Error {
  constructor(
    readonly code: IssuerErrorCode,
    readonly description: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`${code}: ${description}`);
  }
}
