import { ISSUER_PATHS } from '@app/contract';
import { discardBody, readBoundedText } from './bounded-read';
import { fetchStep, IssuerFetchError, parseJsonAs } from './issuer-fetch.error';

/** The members of the issuer's discovery document (RFC 8414) the library uses. */
export interface IssuerMetadata {
  issuer: string;
  jwks_uri: string;
  token_endpoint?: string;
}

const MAX_DISCOVERY_BYTES = 64 * 1024;
const HTTP_URL = /^https?:\/\/[^\s]+$/;

/** Reads the issuer's discovery document, insisting it names the same issuer (RFC 8414 §3.3). */
export async function fetchIssuerMetadata(issuer: string, signal: AbortSignal): Promise<IssuerMetadata> {
  const response = await fetchStep('ERR_ISSUER_UNREACHABLE', () =>
    fetch(`${issuer}${ISSUER_PATHS.discovery}`, { signal, redirect: 'error', headers: { accept: 'application/json' } }),
  );
  if (!response.ok) {
    discardBody(response);
    throw new IssuerFetchError('ERR_DISCOVERY_STATUS', `discovery answered ${response.status}`);
  }
  const text = await fetchStep('ERR_ISSUER_UNREACHABLE', () => readBoundedText(response, MAX_DISCOVERY_BYTES));
  const document = parseJsonAs('ERR_DISCOVERY_MALFORMED', text) as Record<string, unknown>;
  if (document?.issuer !== issuer) throw new IssuerFetchError('ERR_DISCOVERY_ISSUER_MISMATCH', 'discovery document names another issuer');
  if (typeof document.jwks_uri !== 'string' || !HTTP_URL.test(document.jwks_uri))
    throw new IssuerFetchError('ERR_DISCOVERY_NO_JWKS_URI', 'discovery has no usable jwks_uri');
  const tokenEndpoint = typeof document.token_endpoint === 'string' && HTTP_URL.test(document.token_endpoint) ? document.token_endpoint : undefined;
  return { issuer, jwks_uri: document.jwks_uri, token_endpoint: tokenEndpoint };
}
