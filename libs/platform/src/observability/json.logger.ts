import type { LoggerService } from '@nestjs/common';
import pino, { type Level, type Logger } from 'pino';
import { REDACT_PATHS, REDACTED, scrub } from './log.redaction';
import { currentRequestId } from './request-id';

/** LOG_LEVEL values: Nest's names and pino's. */
export type LogLevelName = 'trace' | 'verbose' | 'debug' | 'log' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

const TO_PINO: Record<LogLevelName, Level | 'silent'> = {
  trace: 'trace',
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  info: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
  silent: 'silent',
};
export const LOG_LEVEL_NAMES = Object.keys(TO_PINO) as LogLevelName[];

/** Framework start-up chatter that buries the lines an operator needs; shown at trace only. */
const NOISY_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** One JSON line per event on stdout (synchronous: lines logged just before an exit are not lost). */
export function createPinoLogger(level: LogLevelName, app: string, destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true })): Logger {
  return pino(
    {
      level: TO_PINO[level],
      base: { app },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const reqId = currentRequestId();
        return reqId ? { reqId } : {};
      },
    },
    destination,
  );
}

/** Nest's LoggerService over pino: every message scrubbed of credential shapes, the context as a field. */
export class JsonLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (context && NOISY_CONTEXTS.has(context) && level === 'info') return;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    // Nest passes a stack as the first extra argument of error(); only its first line is kept (stacks may quote data).
    if (level === 'error' && typeof rest[0] === 'string' && rest.length > 1) fields.err = scrub(rest[0].split('\n', 2).slice(0, 2).join(' | '));
    this.pino[level](fields, scrub(textOf(message)));
  }
}

function textOf(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return `${message.name}: ${message.message}`;
  try {
    return JSON.stringify(message) ?? String(message);
  } catch {
    return String(message);
  }
}
