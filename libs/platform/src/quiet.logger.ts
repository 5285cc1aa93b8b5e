import { ConsoleLogger } from '@nestjs/common';

/** Framework start-up chatter that buries the lines an operator needs. */
const NOISY_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** Nest's console logger without the per-route start-up lines; warnings and errors always pass. */
export class QuietLogger extends ConsoleLogger {
  override log(message: unknown, context?: string): void {
    if (context && NOISY_CONTEXTS.has(context)) return;
    if (context === undefined && typeof message === 'string' && NOISY_CONTEXTS.has(this.context ?? '')) return;
    super.log(message, ...(context ? [context] : []));
  }
}
