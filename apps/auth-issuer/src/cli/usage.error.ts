import { AppError } from '@app/platform';

/** A command line the CLI cannot run: exit code 2 and the usage text. */
export class UsageError extends AppError<'ERR_USAGE'> {
  constructor(message: string) {
    super('ERR_USAGE', message);
  }
}
