import { ConfigError } from './config.error';

/**
 * Entry point wrapper: a config problem exits non-zero with one line naming the variable.
 * Shutdown on SIGINT/SIGTERM is Nest's (createHttpApp enables its shutdown hooks).
 */
export function runMain(start: () => Promise<{ describe: string }>): void {
  start()
    .then((app) => console.log(app.describe))
    .catch((error: unknown) => {
      if (error instanceof ConfigError) {
        console.error(`config error: ${error.message}`);
      } else {
        console.error(`startup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      process.exit(1);
    });
}
