import { ISSUER_PATHS } from '@app/contract';

/** Grant labels: the grants the issuer knows; anything else a client sends counts as "other" (bounded labels). */
const GRANTS = new Set(['password', 'refresh_token', 'client_credentials', 'authorization_code', 'urn:ietf:params:oauth:grant-type:token-exchange']);

export interface IssuedToken {
  grant: string;
  alg: string;
  kid: string;
}

/** Which grant a token response answers: /oauth/token's grant_type, else the /auth route that issued it. */
export function grantOf(path: string, body: unknown): string {
  const route = path.split('?', 1)[0];
  if (route === ISSUER_PATHS.login) return 'password';
  if (route === ISSUER_PATHS.refresh) return 'refresh_token';
  const grant = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).grant_type : undefined;
  return typeof grant === 'string' && GRANTS.has(grant) ? grant : 'other';
}

/**
 * The access token a response carries (its serialized JSON body, or the Set-Cookie of cookie delivery), read only
 * for its protected header: our own token, so alg and kid are ours; nothing else of it is kept.
 */
export function issuedTokenHeader(body: unknown, setCookie: unknown): { alg: string; kid: string } | undefined {
  const fromBody = typeof body === 'string' ? /"access_token":"(eyJ[\w-]+)\./.exec(body)?.[1] : undefined;
  const cookies = Array.isArray(setCookie) ? setCookie : typeof setCookie === 'string' ? [setCookie] : [];
  const header = fromBody ?? cookies.map((cookie) => /=(eyJ[\w-]+)\./.exec(String(cookie))?.[1]).find(Boolean);
  if (!header) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown; kid?: unknown };
    return typeof parsed.alg === 'string' && typeof parsed.kid === 'string' ? { alg: parsed.alg, kid: parsed.kid } : undefined;
  } catch {
    return undefined;
  }
}
