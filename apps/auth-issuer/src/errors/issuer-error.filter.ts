import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isDatabaseDataError, isDatabaseUnavailable } from './database-failure';
import { IssuerError, IssuerErrorCode } from './issuer.error';

/** Seconds a client should wait when PostgreSQL is unreachable: long enough for the pool to reconnect. */
const DATABASE_RETRY_AFTER_SECONDS = 2;

const STATUS: Record<IssuerErrorCode, number> = {
  invalid_request: 400,
  invalid_credentials: 401,
  invalid_grant: 400,
  invalid_client: 401,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_token_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  not_found: 404,
  conflict: 409,
  invalid_key: 400,
  weak_key: 400,
  rate_limited: 429,
  client_throttled: 429,
  temporarily_unavailable: 503,
};

/**
 * The `error` member where it differs from the code. RFC 6749 §5.2 has no throttling code for the token
 * endpoint (`slow_down` is RFC 8628's, for device polling): a throttled client authentication is an
 * `invalid_client`, which clients already treat as "fix your credentials", with 429 and Retry-After.
 */
const WIRE_ERROR: Partial<Record<IssuerErrorCode, string>> = { client_throttled: 'invalid_client' };

/**
 * Maps IssuerError codes to RFC 6749 §5.2 bodies; an unreachable database to 503 + Retry-After;
 * anything unexpected becomes a bare 500 with no detail.
 */
@Catch()
export class IssuerErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('IssuerErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof IssuerError) {
      if (exception.retryAfterSeconds !== undefined) reply.header('retry-after', String(exception.retryAfterSeconds));
      if (exception.code === 'invalid_client') reply.header('www-authenticate', 'Basic realm="token"');
      reply.header('cache-control', 'no-store');
      reply.code(STATUS[exception.code]).send({ error: WIRE_ERROR[exception.code] ?? exception.code, error_description: exception.description });
      return;
    }
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      // Framework errors (bad JSON, 413, 415) arrive as bare strings; give them the same JSON shape as ours.
      const body = typeof response === 'string' ? { error: 'invalid_request', error_description: response } : response;
      reply.code(exception.getStatus()).send(body);
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`database unavailable: ${exception instanceof Error ? exception.message : String(exception)}`);
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS)).header('cache-control', 'no-store');
      reply.code(503).send({ error: 'temporarily_unavailable', error_description: 'the service is temporarily unavailable; retry later' });
      return;
    }
    if (isDatabaseDataError(exception)) {
      reply.code(400).send({ error: 'invalid_request', error_description: 'the request holds characters or values that cannot be processed' });
      return;
    }
    if (isPayloadError(exception)) {
      reply.code(exception.statusCode).send({ error: 'invalid_request', error_description: 'malformed or oversized request body' });
      return;
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    // RFC 6749 §5.2 shape, no detail: the log line above is for the operator, not the client.
    reply.header('cache-control', 'no-store');
    reply.code(HttpStatus.INTERNAL_SERVER_ERROR).send({ error: 'server_error', error_description: 'internal error' });
  }
}

function isPayloadError(e: unknown): e is { statusCode: number } {
  const status = (e as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
