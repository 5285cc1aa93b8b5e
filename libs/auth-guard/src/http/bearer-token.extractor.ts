/**
 * The token from `Authorization: Bearer <token>` (RFC 6750 §2.1) and nowhere else:
 * never the query string or the body. Returns undefined when absent, null when malformed.
 */
export function extractBearerToken(headers: Record<string, string | string[] | undefined>): string | undefined | null {
  const value = headers.authorization;
  if (value === undefined) return undefined;
  if (Array.isArray(value) || value.length > 20_000) return null;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(value);
  return match ? match[1] : null;
}
