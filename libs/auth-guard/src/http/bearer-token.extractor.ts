const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const MAX_HEADER_LENGTH = 20_000;

/**
 * The token from `Authorization: Bearer <token>` (RFC 6750 §2.1), never the query string or the body.
 * Returns undefined when no Bearer credentials were sent (absent header or another scheme, which per
 * RFC 6750 §3.1 gets a challenge without an error code), null when Bearer credentials are malformed.
 */
export function extractBearerToken(headers: Record<string, string | string[] | undefined>, rawHeaders?: string[]): string | undefined | null {
  const value = headers.authorization;
  if (value === undefined) return undefined;
  // Node keeps only the first of repeated Authorization lines; a proxy may have read another. Refuse the ambiguity.
  if (rawHeaders && countHeader(rawHeaders, 'authorization') > 1) return null;
  if (Array.isArray(value) || value.length > MAX_HEADER_LENGTH) return null;
  if (!/^bearer(\s|$)/i.test(value.trimStart())) return undefined;
  return BEARER.exec(value)?.[1] ?? null;
}

/**
 * What follows `Authorization: Bearer ` (one header line, this exact scheme spelling),
 * NOT checked against the token grammar: only for an exact-match lookup among tokens verified before, which no
 * malformed string can match (the grammar scan of a 700-character header was a large part of a cached request).
 * Undefined for anything else; then extractBearerToken decides.
 */
export function plainBearerCandidate(headers: Record<string, string | string[] | undefined>, rawHeaders?: string[]): string | undefined {
  const value = headers.authorization;
  if (typeof value !== 'string' || value.length > MAX_HEADER_LENGTH || !value.startsWith('Bearer ')) return undefined;
  if (rawHeaders && countHeader(rawHeaders, 'authorization') > 1) return undefined;
  return value.slice('Bearer '.length);
}

/** How often `name` occurs in Node's flat [name, value, name, value, ...] raw header list. */
function countHeader(rawHeaders: string[], name: string): number {
  let count = 0;
  // The length test first: lower-casing every header name of every request allocates.
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].length === name.length && rawHeaders[i].toLowerCase() === name) count++;
  return count;
}
