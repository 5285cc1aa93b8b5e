import { fetchIssuerMetadata } from '../issuer/discovery.client';
import { discardBody, readBoundedText } from '../issuer/bounded-read';
import { fetchStep, IssuerFetchError, parseJsonAs } from '../issuer/issuer-fetch.error';
import { parseJwks } from './jwks.parser';
import type { VerificationKey } from './key-source';

/** `maxAgeMs`: the issuer's Cache-Control max-age, when it sent one. */
export type JwksFetchResult = { modified: false; maxAgeMs?: number } | { modified: true; keys: Map<string, VerificationKey>; etag?: string; maxAgeMs?: number };

/** One JWKS download; RemoteKeySet decides when. A fake can stand in for it in tests. */
export interface JwksFetcher {
  fetch(etag?: string): Promise<JwksFetchResult>;
}

const MAX_JWKS_BYTES = 256 * 1024;

/**
 * Downloads the issuer's JWKS over HTTP: the URL from discovery unless configured, one deadline
 * for discovery plus download, no redirects, a bounded body, and a conditional GET once an ETag is known.
 */
export class JwksHttpClient implements JwksFetcher {
  private jwksUrl?: string;

  constructor(private readonly options: { issuer: string; jwksUrl?: string; timeoutMs: number }) {
    this.jwksUrl = options.jwksUrl;
  }

  async fetch(etag?: string): Promise<JwksFetchResult> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    this.jwksUrl ??= (await fetchIssuerMetadata(this.options.issuer, signal)).jwks_uri;
    const headers: Record<string, string> = { accept: 'application/jwk-set+json, application/json' };
    if (etag) headers['if-none-match'] = etag;
    const jwksUrl = this.jwksUrl;
    const response = await fetchStep('ERR_ISSUER_UNREACHABLE', () => fetch(jwksUrl, { headers, signal, redirect: 'error' }));
    if (response.status === 304 && etag) {
      discardBody(response);
      return { modified: false, maxAgeMs: maxAgeOf(response) };
    }
    if (response.status !== 200) {
      discardBody(response);
      throw new IssuerFetchError('ERR_JWKS_STATUS', `JWKS answered ${response.status}`);
    }
    const text = await fetchStep('ERR_ISSUER_UNREACHABLE', () => readBoundedText(response, MAX_JWKS_BYTES));
    const keys = parseJwks(parseJsonAs('ERR_JWKS_MALFORMED', text));
    return { modified: true, keys, etag: response.headers.get('etag') ?? undefined, maxAgeMs: maxAgeOf(response) };
  }
}

function maxAgeOf(response: Response): number | undefined {
  const match = /(?:^|,)\s*max-age=(\d{1,9})\s*(?:,|$)/i.exec(response.headers.get('cache-control') ?? '');
  return match ? Number(match[1]) * 1000 : undefined;
}
