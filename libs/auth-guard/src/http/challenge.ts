import { ForbiddenException, HttpException, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { bearerChallenge as challenge } from './refusal';

type AnyResponse = { setHeader?: (n: string, v: string) => unknown; header?: (n: string, v: string) => unknown };

/** Sets a header on an Express response or a Fastify reply. */
export function setHeader(response: AnyResponse, name: string, value: string): void {
  if (typeof response.setHeader === 'function') response.setHeader(name, value);
  else response.header?.(name, value);
}

/** RFC 6750 §3 refusals. Bodies say nothing about which check failed; no refusal may be cached by a proxy. */
export function unauthorized(response: AnyResponse, realm: string, tokenPresented: boolean): HttpException {
  setHeader(response, 'www-authenticate', challenge(realm, tokenPresented ? { error: 'invalid_token' } : {}));
  setHeader(response, 'cache-control', 'no-store');
  return new UnauthorizedException({ statusCode: 401, message: 'Unauthorized' });
}

export function forbidden(response: AnyResponse, realm: string, scope?: string): HttpException {
  setHeader(response, 'www-authenticate', challenge(realm, { error: 'insufficient_scope', ...(scope ? { scope } : {}) }));
  setHeader(response, 'cache-control', 'no-store');
  return new ForbiddenException({ statusCode: 403, message: 'Forbidden' });
}

export function unavailable(response: AnyResponse, retryAfterSeconds: number): HttpException {
  setHeader(response, 'retry-after', String(retryAfterSeconds));
  setHeader(response, 'cache-control', 'no-store');
  return new ServiceUnavailableException({ statusCode: 503, message: 'Service Unavailable' });
}
