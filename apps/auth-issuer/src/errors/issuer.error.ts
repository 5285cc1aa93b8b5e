import { AppError, IssuerErrorCode } from '@app/platform';

/**
 * Every failure the issuer reports, with a code from the closed IssuerErrorCode union (RFC 6749 §5.2 names
 * where they exist, listed in @app/platform with every other family). Services throw these; one filter maps them to HTTP.
 */
export type { IssuerErrorCode };

export class IssuerError extends AppError<IssuerErrorCode> {
  constructor(
    code: IssuerErrorCode,
    readonly description: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(code, `${code}: ${description}`);
  }
}
