import { ConfigError } from './config.error';
import { installProcessGuards } from './process-guards';

/**
 * Entry point wrapper: a config problem exits non-zero with one line naming the variable.
 * Shutdown on SIGINT/SIGTERM is Nest's (createHttpApp enables its shutdown hooks). Once started, no
 * input ends the process: stray errors and rejections are logged and counted (process-guards.ts).
 */
export function runMain(start: () => Promise<{ describe: string }>): void {
  let started = false;
  installProcessGuards((line) => {
    console.error(line);
    if (!started) process.exit(1);
  });
  // Through a promise, so a start function that throws before its first await is reported the same way.
  Promise.resolve()
    .then(start)
    .then((app) => {
      started = true;
      console.log(app.describe);
    })
    .catch((error: unknown) => {
      if (error instanceof ConfigError) {
        console.error(`config error: ${error.message}`);
      } else {
        console.error(`startup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      process.exit(1);
    });
}
