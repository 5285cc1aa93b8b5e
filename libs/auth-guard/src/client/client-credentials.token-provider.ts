import { fetchIssuerMetadata } from '../issuer/discovery.client';
import { readBoundedText } from '../issuer/bounded-read';
import { ClientCredentialsError } from './client-credentials.error';

export interface ClientCredentialsOptions {
  /** The issuer; its discovery document supplies the token endpoint unless `tokenEndpoint` is given. */
  issuer: string;
  tokenEndpoint?: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes to request. Default: none sent (the client's registered default). */
  scope?: string;
  /** Extra form parameters the issuer may want, e.g. `{ resource: 'billing-api' }`. Default none. */
  parameters?: Record<string, string>;
  /** RFC 6749 §2.3.1 client authentication. Default client_secret_basic. */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Fetch a new token this long before expiry (at most half the lifetime), seconds. Default 60. */
  refreshBeforeExpirySeconds?: number;
  /** One deadline per token request, discovery included, ms. Default 5000. */
  timeoutMs?: number;
  /** Test hook: milliseconds since the epoch. */
  now?: () => number;
}

interface CachedToken {
  accessToken: string;
  refreshAt: number;
  expiresAt: number;
}

const MAX_RESPONSE_BYTES = 64 * 1024;
/** A token this close to expiry is not handed out even when a refresh has failed. */
const EXPIRY_SAFETY_MS = 5_000;
const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

/**
 * Obtains and caches a client_credentials access token for calling another service.
 * One request at a time however many callers wait (single-flight); a new token is fetched before
 * the old one expires; if that fails, the old token is used while it is still valid.
 *
 * @example
 * const tokens = new ClientCredentialsTokenProvider({ issuer: 'https://auth.example.com', clientId: 'orders-api', clientSecret, scope: 'billing:read' });
 * await fetch(`${billingUrl}/invoices`, { headers: { authorization: await tokens.authorizationHeader() } });
 */
export class ClientCredentialsTokenProvider {
  private cached?: CachedToken;
  private inflight?: Promise<CachedToken>;
  private tokenEndpoint?: string;
  /** Token requests sent so far; for metrics and tests. */
  requestCount = 0;

  constructor(private readonly options: ClientCredentialsOptions) {
    this.tokenEndpoint = options.tokenEndpoint;
  }

  async getToken(): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < cached.refreshAt) return cached.accessToken;
    try {
      return (await this.fetchShared()).accessToken;
    } catch (error) {
      if (cached && this.now() < cached.expiresAt - EXPIRY_SAFETY_MS) return cached.accessToken;
      throw error;
    }
  }

  async authorizationHeader(): Promise<string> {
    return `Bearer ${await this.getToken()}`;
  }

  /** Forgets the cached token, e.g. after the called service answered 401 (its key may have been revoked). */
  invalidate(): void {
    this.cached = undefined;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private fetchShared(): Promise<CachedToken> {
    this.inflight ??= this.requestToken().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async requestToken(): Promise<CachedToken> {
    const { clientId, clientSecret, scope, parameters = {}, authMethod = 'client_secret_basic', timeoutMs = 5000 } = this.options;
    const signal = AbortSignal.timeout(timeoutMs);
    const endpoint = await this.endpoint(signal);
    const form = new URLSearchParams({ ...parameters, grant_type: 'client_credentials' });
    if (scope) form.set('scope', scope);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (authMethod === 'client_secret_basic') {
      headers.authorization = `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    const startedAt = this.now();
    this.requestCount += 1;
    let status: number;
    let text: string;
    try {
      const response = await fetch(endpoint, { method: 'POST', headers, body: form.toString(), signal, redirect: 'error' });
      status = response.status;
      text = await readBoundedText(response, MAX_RESPONSE_BYTES);
    } catch (error) {
      throw new ClientCredentialsError('ERR_TOKEN_ENDPOINT_UNREACHABLE', error instanceof Error ? error.message : String(error));
    }
    const body = parseObject(text);
    if (status !== 200) {
      const oauthError = typeof body?.error === 'string' && /^[\x20-\x7e]{1,64}$/.test(body.error) ? body.error : undefined;
      throw new ClientCredentialsError('ERR_TOKEN_REQUEST_REFUSED', `status ${status}`, { status, error: oauthError });
    }
    return (this.cached = this.toCachedToken(body, startedAt));
  }

  private async endpoint(signal: AbortSignal): Promise<string> {
    if (this.tokenEndpoint) return this.tokenEndpoint;
    let metadata;
    try {
      metadata = await fetchIssuerMetadata(this.options.issuer, signal);
    } catch (error) {
      throw new ClientCredentialsError('ERR_DISCOVERY_FAILED', error instanceof Error ? error.message : String(error));
    }
    if (!metadata.token_endpoint) throw new ClientCredentialsError('ERR_DISCOVERY_FAILED', 'no token_endpoint');
    return (this.tokenEndpoint = metadata.token_endpoint);
  }

  /** RFC 6749 §5.1; the lifetime counts from when the request was sent, so clock drift only shortens it. */
  private toCachedToken(body: Record<string, unknown> | undefined, startedAt: number): CachedToken {
    const invalid = (what: string) => new ClientCredentialsError('ERR_TOKEN_RESPONSE_INVALID', what);
    if (!body) throw invalid('not a JSON object');
    const { access_token: accessToken, token_type: tokenType, expires_in: expiresIn } = body;
    if (typeof accessToken !== 'string' || accessToken.length === 0 || accessToken.length > 16_384) throw invalid('access_token');
    if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') throw invalid('token_type');
    if (!Number.isSafeInteger(expiresIn) || (expiresIn as number) <= 0) throw invalid('expires_in');
    const lifetimeMs = (expiresIn as number) * 1000;
    const marginMs = Math.min((this.options.refreshBeforeExpirySeconds ?? 60) * 1000, lifetimeMs / 2);
    return { accessToken, expiresAt: startedAt + lifetimeMs, refreshAt: startedAt + lifetimeMs - marginMs };
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
