import { AppError } from '@app/platform/app-error';
import type { ClientCredentialsFailure } from '@app/platform/error-codes';

/** A token exchange fails the way a client_credentials request does: the same codes (listed in @app/platform). */
export type TokenExchangeFailure = ClientCredentialsFailure;

export class TokenExchangeError extends AppError<TokenExchangeFailure> {
  constructor(
    code: TokenExchangeFailure,
    detail?: string,
    /** For ERR_TOKEN_REQUEST_REFUSED: the HTTP status and the RFC 8693 / RFC 6749 `error` code, when sent. */
    readonly refusal?: { status: number; error?: string },
  ) {
    super(code, detail ? `${code}: ${detail}` : code);
    this.name = 'TokenExchangeError';
  }
}
