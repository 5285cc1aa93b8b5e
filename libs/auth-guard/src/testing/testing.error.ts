import { AppError } from '@app/platform/app-error';
import type { TestingFailure } from '@app/platform/error-codes';

/** A testing helper asked for what it cannot give (no free port, withdrawing the key that signs). */
export class TestingError extends AppError<TestingFailure> {
  constructor(code: TestingFailure, message: string) {
    super(code, message);
  }
}
