import { AppError } from '@app/platform/app-error';
import type { ClientCredentialsFailure } from '@app/platform/error-codes';

/** Why a client_credentials token could not be obtained (the codes are listed in @app/platform). */
export type { ClientCredentialsFailure };

export class ClientCredentialsError extends AppError<ClientCredentialsFailure> {
  constructor(
    code: ClientCredentialsFailure,
    detail?: string,
    /** For ERR_TOKEN_REQUEST_REFUSED: the HTTP status and the RFC 6749 §5.2 `error` code, when the issuer sent one. */
    readonly refusal?: { status: number; error?: string },
  ) {
    super(code, detail ? `${code}: ${detail}` : code);
    this.name = 'ClientCredentialsError';
  }
}
