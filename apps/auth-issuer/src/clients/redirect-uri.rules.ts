/** Hosts a native or local app listens on (RFC 8252 §7.3, §8.3): plain http is allowed only for these. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const MAX_URI_LENGTH = 2000;

function parse(value: string): URL | undefined {
  if (value.length > MAX_URI_LENGTH || /[\s*]/.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * A registrable redirect or post-logout URI: absolute, no fragment (RFC 6749 §3.1.2), no credentials,
 * no wildcard; https, or http on a loopback host. Registered as written: matching compares strings.
 */
export function isValidRedirectUri(value: string): boolean {
  const url = parse(value);
  if (!url || url.hash || value.includes('#') || url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * Whether `presented` is one of `registered`. Exact string comparison (no prefix, no normalisation), with one
 * exception from RFC 8252 §7.3: a registered loopback IP literal URI without a port accepts any port, and
 * only then. `localhost` is not an IP literal and gets no such leniency (§8.3).
 */
export function matchesRegisteredUri(presented: string, registered: readonly string[]): boolean {
  if (registered.includes(presented)) return true;
  const url = parse(presented);
  if (!url || url.protocol !== 'http:' || (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]') || url.port === '') return false;
  const portless = `${url.protocol}//${url.hostname}${url.pathname}${url.search}`;
  // The presented string must be exactly the registered one with a port inserted, nothing else rewritten.
  if (presented !== `${url.protocol}//${url.hostname}:${url.port}${url.pathname}${url.search}`) return false;
  return registered.some((uri) => uri === portless && parse(uri)?.port === '');
}
