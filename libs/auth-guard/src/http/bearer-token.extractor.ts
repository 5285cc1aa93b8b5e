/**
 * The token from `Authorization: Bearer <token>` (RFC 6750 §2.1) and nowhere else:
 * never the query string or the body. Returns undefined when absent, null when malformed.
 */
export function extractBearerToken(headers: Record<string, string | string[] | undefined>, rawHeaders?: string[]): string | undefined | null {
  const value = headers.authorization;
  if (value === undefined) return undefined;
  // Node keeps only the first of repeated Authorization lines; a proxy may have read another. Refuse the ambiguity.
  if (rawHeaders && countHeader(rawHeaders, 'authorization') > 1) return null;
  if (Array.isArray(value) || value.length > 20_000) return null;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(value);
  return match ? match[1] : null;
}

/** How often `name` occurs in Node's flat [name, value, name, value, ...] raw header list. */
function countHeader(rawHeaders: string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === name) count++;
  return count;
}
