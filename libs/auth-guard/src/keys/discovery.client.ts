import { ISSUER_PATHS } from '@app/contract';

/** Reads `jwks_uri` from the issuer's discovery document, insisting the document names the same issuer. */
export async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<string> {
  const response = await fetch(`${issuer}${ISSUER_PATHS.discovery}`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (document.issuer !== issuer) throw new Error('discovery document names another issuer');
  if (typeof document.jwks_uri !== 'string' || !/^https?:\/\//.test(document.jwks_uri)) throw new Error('discovery has no usable jwks_uri');
  return document.jwks_uri;
}
