import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';

/** What the filter uses of a Fastify reply (Nest bundles its own Fastify types). */
interface Reply {
  sent: boolean;
  code(status: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): unknown;
}

/**
 * A resource service's last word on any error, in Nest's `{statusCode, message}` shape the guard's
 * refusals use. HttpExceptions (401, 403, 503 from the guard) pass unchanged. A client's malformed
 * request that Fastify or a body parser refuses (bad JSON, 413, 415, a body cut short) is a 4xx with
 * the bare status text and no log line: an unauthenticated client must not be able to flood the error
 * log with stacks. Anything else is logged and answered 500 with no detail.
 */
@Catch()
export class ServiceErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ServiceErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<Reply>();
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const body = typeof response === 'object' && response !== null ? response : { statusCode: exception.getStatus(), message: response };
      this.send(reply, exception.getStatus(), body);
      return;
    }
    const status = (exception as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      this.send(reply, status, { statusCode: status, message: STATUS_CODES[status] ?? 'Bad Request' });
      return;
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    reply.header('cache-control', 'no-store');
    this.send(reply, 500, { statusCode: 500, message: 'Internal Server Error' });
  }

  /** A client that went away (a body cut short) has no reply left to send. */
  private send(reply: Reply, status: number, body: unknown): void {
    if (!reply.sent) reply.code(status).send(body);
  }
}
