/** A bad or missing configuration variable; the process prints one line and exits. */
export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG';
  constructor(readonly variable: string, readonly problem: string) {
    super(`${variable}: ${problem}`);
  }
}
