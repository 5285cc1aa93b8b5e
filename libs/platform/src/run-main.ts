import { ConfigError } from './config.error';

/** Entry point wrapper: a config problem exits non-zero with one line naming the variable. */
export function runMain(start: () => Promise<{ describe: string; close(): Promise<void> }>): void {
  start()
    .then((app) => {
      console.log(app.describe);
      const stop = () => void app.close().finally(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
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
