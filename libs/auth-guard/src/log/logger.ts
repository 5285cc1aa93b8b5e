/** Where library log lines go; the Nest entry point routes them to Nest's Logger, plain Node to the console. */
export interface LogSink {
  log(message: string, context: string): void;
  warn(message: string, context: string): void;
  error(message: string, context: string): void;
  debug(message: string, context: string): void;
}

const consoleSink: LogSink = {
  log: (message, context) => console.log(`[${context}] ${message}`),
  warn: (message, context) => console.warn(`[${context}] ${message}`),
  error: (message, context) => console.error(`[${context}] ${message}`),
  // Debug lines name refusal reasons: off unless a sink that wants them is installed.
  debug: () => undefined,
};

let sink: LogSink = consoleSink;

/** Replaces the sink for every library logger, including those created earlier. */
export function setLogSink(next: LogSink): void {
  sink = next;
}

/**
 * Nest-free stand-in for Nest's `Logger(context)`, so the key set and event subscriber load in plain Node.
 * Each call reads the current sink, so loggers made before the sink was set still follow it.
 */
export class Logger {
  constructor(private readonly context: string) {}

  log(message: string): void {
    sink.log(message, this.context);
  }

  warn(message: string): void {
    sink.warn(message, this.context);
  }

  error(message: string): void {
    sink.error(message, this.context);
  }

  debug(message: string): void {
    sink.debug(message, this.context);
  }
}
