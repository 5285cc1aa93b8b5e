import { AppError } from '@app/platform/app-error';
import type { VerificationFailure } from '@app/platform/error-codes';

/** Why a token was refused: a code from the closed VerificationFailure union (listed in @app/platform). */
export type { VerificationFailure };

const MAX_DETAIL = 120;

export class VerificationError extends AppError<VerificationFailure> {
  /** For ERR_KEYS_UNAVAILABLE: when a retry can succeed, in seconds. */
  readonly retryAfterSeconds?: number;

  constructor(code: VerificationFailure, detail?: string, options: { retryAfterSeconds?: number } = {}) {
    // Details often echo attacker-chosen header values: printable ASCII only, and short, so logs stay one honest line.
    super(code, detail ? `${code}: ${detail.slice(0, MAX_DETAIL).replace(/[^\x20-\x7e]/g, '?')}` : code);
    this.name = 'VerificationError';
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
