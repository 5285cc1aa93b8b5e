import { isIP } from 'node:net';
import { ConfigError } from './config.error';

type Env = Record<string, string | undefined>;

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: unset or "false" trusts no proxy (the socket address is the client);
 * a number trusts that many hops; otherwise a comma list of proxy addresses, CIDRs or
 * loopback/linklocal/uniquelocal. "true" is refused: it would let any client pick its own address.
 */
export function readTrustProxy(env: Env): false | number | string {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw || raw === 'false') return false;
  if (raw === 'true')
    throw new ConfigError('TRUST_PROXY', 'name the proxies (addresses, CIDRs or a hop count); "true" would trust a client-supplied X-Forwarded-For');
  if (/^\d+$/.test(raw)) return Number(raw) === 0 ? false : Number(raw);
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address);
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!PROXY_NAMES.has(entry) && (family === 0 || !bitsOk))
      throw new ConfigError('TRUST_PROXY', `"${entry}" is not an address, CIDR or loopback/linklocal/uniquelocal`);
  }
  return entries.join(',');
}

/**
 * CORS_ORIGINS: comma list of exact origins (scheme://host[:port]) allowed to call from a browser.
 * Unset: no CORS headers at all, so browsers keep cross-origin pages out. "*" is refused.
 */
export function readCorsOrigins(env: Env): string[] {
  const raw = env.CORS_ORIGINS?.trim();
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((origin) => {
      let parsed: URL | undefined;
      try {
        parsed = new URL(origin);
      } catch {
        parsed = undefined;
      }
      if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
        throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an exact origin like https://app.example.com`);
      }
      return origin;
    });
}
