import { Logger } from '@nestjs/common';
import type { LogSink } from './logger';

/** Library log lines through Nest's Logger, so they follow the app's logger and log levels. */
export const nestLogSink: LogSink = {
  log: (message, context) => Logger.log(message, context),
  warn: (message, context) => Logger.warn(message, context),
  error: (message, context) => Logger.error(message, context),
  debug: (message, context) => Logger.debug(message, context),
};
