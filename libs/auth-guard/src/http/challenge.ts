import { ForbiddenException, HttpException, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { bearerChallenge as challenge } from './refusal';

type AnyResponse = { setHeader?: (n: string, v: string) => unknown; header?: (n: string, v: string) => unknown };

/** Sets a header on an Express response or a Fastify reply. */
function setHeader(response: AnyResponse, name: string, value: string): void {
  if (typeof response.setHeader === 'function') response.setHeader(name, value);
  else response.header?.(name, value);
}

/**
 * Made once: a refusal thrown on the hot path costs no stack capture (a flood of bad tokens is the costliest traffic
 * otherwise). Safe to share: Nest's filter only reads status and body, and the challenge headers are set per response.
 */
const UNAUTHORIZED = new UnauthorizedException({ statusCode: 401, message: 'Unauthorized' });
const FORBIDDEN = new ForbiddenException({ statusCode: 403, message: 'Forbidden' });
const UNAVAILABLE = new ServiceUnavailableException({ statusCode: 503, message: 'Service Unavailable' });
/** Challenges by realm: a handful of realms per process, computed once each. */
const challenges = new Map<string, [string, string]>();

/** RFC 6750 §3 refusals. Bodies say nothing about which check failed; no refusal may be cached by a proxy. */
export function unauthorized(response: AnyResponse, realm: string, tokenPresented: boolean): HttpException {
  let pair = challenges.get(realm);
  if (!pair) challenges.set(realm, (pair = [challenge(realm, {}), challenge(realm, { error: 'invalid_token' })]));
  setHeader(response, 'www-authenticate', pair[tokenPresented ? 1 : 0]);
  setHeader(response, 'cache-control', 'no-store');
  return UNAUTHORIZED;
}

export function forbidden(response: AnyResponse, realm: string, scope?: string): HttpException {
  setHeader(response, 'www-authenticate', challenge(realm, { error: 'insufficient_scope', ...(scope ? { scope } : {}) }));
  setHeader(response, 'cache-control', 'no-store');
  return FORBIDDEN;
}

export function unavailable(response: AnyResponse, retryAfterSeconds: number): HttpException {
  setHeader(response, 'retry-after', String(retryAfterSeconds));
  setHeader(response, 'cache-control', 'no-store');
  return UNAVAILABLE;
}
