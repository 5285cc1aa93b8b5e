import { AppError } from '@app/platform/app-error';
import type { IssuerFetchFailure } from '@app/platform/error-codes';

/** The issuer's discovery document or JWKS could not be read; the message says how, as it always has. */
export class IssuerFetchError extends AppError<IssuerFetchFailure> {
  constructor(code: IssuerFetchFailure, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** Runs one network step; a failure not coded yet (fetch's own, a stream abort) gets `code`, its message kept. */
export async function fetchStep<T>(code: IssuerFetchFailure, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw asIssuerFetchError(code, error);
  }
}

/** JSON.parse whose SyntaxError becomes `code`, message kept. */
export function parseJsonAs(code: IssuerFetchFailure, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw asIssuerFetchError(code, error);
  }
}

function asIssuerFetchError(code: IssuerFetchFailure, error: unknown): IssuerFetchError {
  if (error instanceof IssuerFetchError) return error;
  return new IssuerFetchError(code, error instanceof Error ? error.message : String(error), { cause: error });
}
