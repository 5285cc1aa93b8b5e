import { AppError } from '@app/platform';

/**
 * A start that cannot go on, told in one line: what went wrong, then what to do about it.
 * The launcher and the CLI print `start failed: <cause>; <fix>` and never a stack trace.
 */
export class StartError extends AppError<'ERR_START'> {
  constructor(
    readonly reason: string,
    readonly fix: string,
  ) {
    super('ERR_START', `${reason}; ${fix}`);
  }
}

/** One line for any error: a StartError as written, anything else by its message, newlines folded. */
export function startFailureLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `start failed: ${message.replace(/\s*\n\s*/g, ' ').trim()}`;
}
