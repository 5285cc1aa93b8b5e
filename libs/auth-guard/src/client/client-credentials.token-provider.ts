import { ClientCredentialsError } from './client-credentials.error';
import { discoverTokenEndpoint, postTokenRequest } from './token-endpoint.request';

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

/** A token this close to expiry is not handed out even when a refresh has failed. */
const EXPIRY_SAFETY_MS = 5_000;

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
    this.tokenEndpoint ??= await discoverTokenEndpoint(this.options.issuer, signal, ClientCredentialsError);
    const form = new URLSearchParams({ ...parameters, grant_type: 'client_credentials' });
    if (scope) form.set('scope', scope);
    const startedAt = this.now();
    this.requestCount += 1;
    const body = await postTokenRequest(this.tokenEndpoint, form, { clientId, clientSecret, authMethod }, signal, ClientCredentialsError);
    return (this.cached = this.toCachedToken(body, startedAt));
  }

  /** RFC 6749 §5.1; the lifetime counts from when the request was sent, so clock drift only shortens it. */
  private toCachedToken(body: Record<string, unknown>, startedAt: number): CachedToken {
    const invalid = (what: string) => new ClientCredentialsError('ERR_TOKEN_RESPONSE_INVALID', what);
    const { access_token: accessToken, token_type: tokenType, expires_in: expiresIn } = body;
    if (typeof accessToken !== 'string' || accessToken.length === 0 || accessToken.length > 16_384) throw invalid('access_token');
    if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') throw invalid('token_type');
    if (!Number.isSafeInteger(expiresIn) || (expiresIn as number) <= 0) throw invalid('expires_in');
    const lifetimeMs = (expiresIn as number) * 1000;
    const marginMs = Math.min((this.options.refreshBeforeExpirySeconds ?? 60) * 1000, lifetimeMs / 2);
    return { accessToken, expiresAt: startedAt + lifetimeMs, refreshAt: startedAt + lifetimeMs - marginMs };
  }
}
