import { AppError } from '@app/platform/app-error';
import type { Hs256Failure } from '@app/platform/error-codes';

/** A misuse of the HS256 token service by the code that calls it (never a refused token: that is a VerificationError). */
export class Hs256Error extends AppError<Hs256Failure> {
  constructor(code: Hs256Failure, message: string) {
    super(code, message);
  }
}
