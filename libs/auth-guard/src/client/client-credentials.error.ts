/** Why a client_credentials token could not be obtained. */
export type ClientCredentialsFailure =
  | 'ERR_DISCOVERY_FAILED'
  | 'ERR_TOKEN_ENDPOINT_UNREACHABLE'
  | 'ERR_TOKEN_REQUEST_REFUSED'
  | 'ERR_TOKEN_RESPONSE_INVALID';

export class ClientCredentialsError extends Error {
  constructor(
    readonly code: ClientCredentialsFailure,
    detail?: string,
    /** For ERR_TOKEN_REQUEST_REFUSED: the HTTP status and the RFC 6749 §5.2 `error` code, when the issuer sent one. */
    readonly refusal?: { status: number; error?: string },
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'ClientCredentialsError';
  }
}
