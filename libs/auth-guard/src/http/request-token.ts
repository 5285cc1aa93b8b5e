import { extractBearerToken, plainBearerCandidate } from './bearer-token.extractor';
import { CookieTokenOptions, extractCookieToken } from './cookie-token.extractor';

/** The parts of an Express request, a Fastify request or a Node IncomingMessage that a token is read from. */
export interface TokenBearingRequest {
  method?: string;
  headers?: Record<string, string | string[] | undefined>;
  rawHeaders?: string[];
  raw?: { rawHeaders?: string[] };
}

/**
 * The Authorization header wins; the cookie is read only when enabled (and CSRF-checked by the extractor).
 * Undefined: no credentials sent; null: credentials sent but malformed.
 */
export function extractRequestToken(request: TokenBearingRequest, cookie?: CookieTokenOptions): string | undefined | null {
  const bearer = extractBearerToken(request.headers ?? {}, request.raw?.rawHeaders ?? request.rawHeaders);
  if (bearer !== undefined || !cookie) return bearer;
  return extractCookieToken(request.method ?? '', request.headers ?? {}, cookie);
}

/** A plain Bearer header's credentials, unchecked, for a lookup among verified tokens only (see plainBearerCandidate). */
export function plainBearerOf(request: TokenBearingRequest): string | undefined {
  return plainBearerCandidate(request.headers ?? {}, request.raw?.rawHeaders ?? request.rawHeaders);
}
