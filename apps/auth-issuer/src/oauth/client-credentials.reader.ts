import { IssuerError } from '../errors/issuer.error';
import type { ClientCredentials } from '../clients/clients.service';
import type { OAuthForm } from './oauth.form';

const BASIC = /^Basic ([A-Za-z0-9+/]+={0,2})$/i;

/** A public client names itself with `client_id` alone (RFC 6749 §3.2.1, auth method `none`). */
export interface PublicClientId {
  clientId: string;
  secret: null;
}

/**
 * Client credentials from `Authorization: Basic` (RFC 6749 §2.3.1: id and secret each
 * form-urlencoded, then base64) or from `client_id` + `client_secret` in the body; a `client_id`
 * alone is a public client's name (`secret: null`). Returns undefined when the request carries
 * none; one method per request (§2.3).
 */
export function readClientCredentials(headers: Record<string, string | string[] | undefined>, form: OAuthForm): ClientCredentials | PublicClientId | undefined {
  const authorization = headers.authorization;
  const postedId = form.get('client_id');
  const postedSecret = form.get('client_secret');
  if (authorization !== undefined) {
    if (postedSecret !== undefined) throw new IssuerError('invalid_request', 'use one client authentication method, not two');
    const basic = fromBasicHeader(authorization);
    if (postedId !== undefined && postedId !== basic.clientId) throw new IssuerError('invalid_request', 'client_id does not match the Authorization header');
    return basic;
  }
  if (postedSecret !== undefined) {
    if (postedId === undefined) throw new IssuerError('invalid_request', 'client_secret needs client_id');
    return { clientId: postedId, secret: postedSecret };
  }
  return postedId === undefined ? undefined : { clientId: postedId, secret: null };
}

function fromBasicHeader(header: string | string[]): ClientCredentials {
  const match = typeof header === 'string' ? BASIC.exec(header) : null;
  if (!match) throw new IssuerError('invalid_client', 'unsupported or malformed Authorization header');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new IssuerError('invalid_client', 'malformed Basic credentials');
  return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/** application/x-www-form-urlencoded decoding: `+` is a space, then percent-decoding. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new IssuerError('invalid_client', 'malformed Basic credentials');
  }
}
