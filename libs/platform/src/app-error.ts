import type { ErrorCode, FaultCode } from './error-codes';

/**
 * The base of every error this product throws: a stable `code` from the closed ErrorCode union, which is
 * what callers, filters and specs branch on. Messages are for people and logs, and may change.
 */
export abstract class AppError<C extends ErrorCode = ErrorCode> extends Error {
  protected constructor(
    readonly code: C,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A fault of the product itself, never of a caller's input: no filter maps it to a refusal, so a request
 * that meets one gets a bare 500, and a background task logs it.
 */
export class FaultError extends AppError<FaultCode> {
  constructor(code: FaultCode, message: string) {
    super(code, message);
  }
}
