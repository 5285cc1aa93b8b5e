import { AppError } from './app-error';

/** A bad or missing configuration variable; the process prints one line and exits. */
export class ConfigError extends AppError<'ERR_CONFIG'> {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super('ERR_CONFIG', `${variable}: ${problem}`);
  }
}
