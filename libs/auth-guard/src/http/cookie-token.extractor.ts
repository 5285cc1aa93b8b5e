import { timingSafeEqual } from 'node:crypto';
import { parse } from 'cookie';

/** Where the access token and the CSRF pair live when a service accepts cookie delivery. */
export interface CookieTokenOptions {
  /** Name of the HttpOnly cookie holding the access token. */
  name: string;
  /** Request header that must echo the CSRF cookie on state-changing methods. */
  csrfHeader: string;
  /** Name of the script-readable CSRF cookie. */
  csrfCookie: string;
}

/** Methods that must not change state (RFC 9110 §9.2.1); every other method needs the CSRF echo. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TOKEN_CHARS = /^[A-Za-z0-9\-._~+/]+=*$/;
const MIN_CSRF_LENGTH = 16;
const MAX_COOKIE_HEADER = 16_384;

type Headers = Record<string, string | string[] | undefined>;

/**
 * The access token from the cookie, like the bearer extractor: undefined when there is no cookie,
 * null when one is present but not acceptable (malformed, or an unsafe method without a matching
 * CSRF header: the double-submit check). Never reads the query string.
 *
 * @example
 * extractCookieToken('POST', request.headers, { name: '__Host-access_token', csrfHeader: 'x-csrf-token', csrfCookie: '__Host-csrf_token' })
 */
export function extractCookieToken(method: string, headers: Headers, options: CookieTokenOptions): string | undefined | null {
  const raw = headers.cookie;
  if (typeof raw !== 'string' || raw.length === 0) return undefined;
  if (raw.length > MAX_COOKIE_HEADER) return null;
  // Cookie tossing: a sibling subdomain can add a second cookie of the same name; which one wins is the browser's choice.
  if (repeatedCookie(raw, [options.name, options.csrfCookie])) return null;
  const cookies = parse(raw);
  const token = cookies[options.name];
  if (token === undefined) return undefined;
  if (!TOKEN_CHARS.test(token)) return null;
  if (SAFE_METHODS.has(method.toUpperCase())) return token;
  return csrfEchoed(headers[options.csrfHeader.toLowerCase()], cookies[options.csrfCookie]) ? token : null;
}

/** The first of `names` that the Cookie header carries more than once, if any. */
export function repeatedCookie(raw: string, names: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const pair of raw.split(';')) {
    const at = pair.indexOf('=');
    const name = (at === -1 ? pair : pair.slice(0, at)).trim();
    if (!names.includes(name)) continue;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/** Double-submit check: the header equals the CSRF cookie, compared in constant time. */
export function csrfEchoed(header: string | string[] | undefined, cookie: string | undefined): boolean {
  if (typeof header !== 'string' || cookie === undefined || cookie.length < MIN_CSRF_LENGTH) return false;
  const a = Buffer.from(header, 'utf8');
  const b = Buffer.from(cookie, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
