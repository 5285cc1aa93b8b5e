import { fetchIssuerMetadata } from '../issuer/discovery.client';
import { readBoundedText } from '../issuer/bounded-read';
import type { ClientCredentialsFailure } from './client-credentials.error';
import { TokenExchangeError } from './token-exchange.error';

/** The error a caller raises: its client's own class, with the codes both token clients share. */
export type TokenRequestErrorClass = new (code: ClientCredentialsFailure, detail?: string, refusal?: { status: number; error?: string }) => Error;

export interface ClientSecretCredentials {
  clientId: string;
  clientSecret: string;
  /** RFC 6749 §2.3.1. Default client_secret_basic. */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
}

const MAX_RESPONSE_BYTES = 64 * 1024;
const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

/** The issuer's token endpoint from its discovery document. */
export async function discoverTokenEndpoint(issuer: string, signal: AbortSignal, Failure: TokenRequestErrorClass = TokenExchangeError): Promise<string> {
  let metadata;
  try {
    metadata = await fetchIssuerMetadata(issuer, signal);
  } catch (error) {
    throw new Failure('ERR_DISCOVERY_FAILED', error instanceof Error ? error.message : String(error));
  }
  if (!metadata.token_endpoint) throw new Failure('ERR_DISCOVERY_FAILED', 'no token_endpoint');
  return metadata.token_endpoint;
}

/**
 * POSTs a token request with client authentication; a 200 JSON object comes back, anything else is a
 * `Failure` (TokenExchangeError by default; the refusal's RFC 6749 §5.2 `error` kept when it is a plain code).
 */
export async function postTokenRequest(
  endpoint: string,
  form: URLSearchParams,
  credentials: ClientSecretCredentials,
  signal: AbortSignal,
  Failure: TokenRequestErrorClass = TokenExchangeError,
): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if ((credentials.authMethod ?? 'client_secret_basic') === 'client_secret_basic') {
    headers.authorization = `Basic ${Buffer.from(`${formEncode(credentials.clientId)}:${formEncode(credentials.clientSecret)}`).toString('base64')}`;
  } else {
    form.set('client_id', credentials.clientId);
    form.set('client_secret', credentials.clientSecret);
  }
  let status: number;
  let text: string;
  try {
    const response = await fetch(endpoint, { method: 'POST', headers, body: form.toString(), signal, redirect: 'error' });
    status = response.status;
    text = await readBoundedText(response, MAX_RESPONSE_BYTES);
  } catch (error) {
    throw new Failure('ERR_TOKEN_ENDPOINT_UNREACHABLE', error instanceof Error ? error.message : String(error));
  }
  const body = parseObject(text);
  if (status !== 200) {
    const oauthError = typeof body?.error === 'string' && /^[\x20-\x7e]{1,64}$/.test(body.error) ? body.error : undefined;
    throw new Failure('ERR_TOKEN_REQUEST_REFUSED', `status ${status}`, { status, error: oauthError });
  }
  if (!body) throw new Failure('ERR_TOKEN_RESPONSE_INVALID', 'not a JSON object');
  return body;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
