import { createHash } from 'node:crypto';
import { ACCESS_TOKEN_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE } from '@app/contract';
import { ClientSecretCredentials, discoverTokenEndpoint, postTokenRequest } from './token-endpoint.request';
import { TokenExchangeError } from './token-exchange.error';

export interface TokenExchangeOptions extends ClientSecretCredentials {
  /** The issuer; its discovery document supplies the token endpoint unless `tokenEndpoint` is given. */
  issuer: string;
  tokenEndpoint?: string;
  /** Exchange again this long before the exchanged token expires (at most half its lifetime), seconds. Default 30. */
  refreshBeforeExpirySeconds?: number;
  /** Exchanged tokens kept at most; the oldest go first. Default 1000. */
  maxCachedTokens?: number;
  /** One deadline per exchange, discovery included, ms. Default 5000. */
  timeoutMs?: number;
  /** Test hook: milliseconds since the epoch. */
  now?: () => number;
}

/** The service to call for the user, and optionally fewer scopes than the user's token holds. */
export interface ExchangeTarget {
  audience: string;
  scope?: string;
}

interface CachedToken {
  accessToken: string;
  refreshAt: number;
}

/**
 * Calls another service on a user's behalf (RFC 8693): exchanges the user's access token, which was sent to
 * this service, for one meant for the target alone and naming this service as the actor. Exchanged tokens are
 * cached per subject token, audience and scope until shortly before they expire (subject tokens are kept only
 * as SHA-256 digests); one exchange at a time per key however many callers wait.
 *
 * @example
 * const billing = new TokenExchangeClient({ issuer: 'https://auth.example.com', clientId: 'orders-api', clientSecret });
 * const response = await billing.call(userToken, { audience: 'billing-api' }, 'https://billing.internal/invoices');
 */
export class TokenExchangeClient {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<string>>();
  private tokenEndpoint?: string;
  /** Exchanges sent so far; for metrics and tests. */
  requestCount = 0;

  constructor(private readonly options: TokenExchangeOptions) {
    this.tokenEndpoint = options.tokenEndpoint;
  }

  /** An access token for `target` acting for the subject token's user. Throws TokenExchangeError. */
  async exchange(subjectToken: string, target: ExchangeTarget): Promise<string> {
    const key = cacheKey(subjectToken, target);
    const cached = this.cache.get(key);
    if (cached && this.now() < cached.refreshAt) return cached.accessToken;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.request(key, subjectToken, target).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  /**
   * `fetch` with the exchanged token. A 401 from the target may mean its view of our token changed (a key
   * revoked): the token is exchanged once more and the call repeated; a session that has ended fails that exchange.
   */
  async call(subjectToken: string, target: ExchangeTarget, url: string | URL, init: RequestInit = {}): Promise<Response> {
    const send = async () => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${await this.exchange(subjectToken, target)}`);
      return fetch(url, { redirect: 'error', ...init, headers, signal: init.signal ?? AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
    };
    const first = await send();
    if (first.status !== 401) return first;
    await first.body?.cancel();
    this.invalidate(subjectToken, target);
    return send();
  }

  /** Forgets the exchanged token for this subject token and target. */
  invalidate(subjectToken: string, target: ExchangeTarget): void {
    this.cache.delete(cacheKey(subjectToken, target));
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async request(key: string, subjectToken: string, target: ExchangeTarget): Promise<string> {
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? 5000);
    this.tokenEndpoint ??= await discoverTokenEndpoint(this.options.issuer, signal);
    const form = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TOKEN_TYPE,
      audience: target.audience,
    });
    if (target.scope) form.set('scope', target.scope);
    const startedAt = this.now();
    this.requestCount += 1;
    try {
      const body = await postTokenRequest(this.tokenEndpoint, form, this.options, signal);
      const token = this.toCachedToken(body, startedAt);
      this.remember(key, token);
      return token.accessToken;
    } catch (error) {
      // A refused exchange (session ended, policy changed) must not leave an older token in use.
      this.cache.delete(key);
      throw error;
    }
  }

  /** RFC 8693 §2.2.1; the lifetime counts from when the request was sent, so clock drift only shortens it. */
  private toCachedToken(body: Record<string, unknown>, startedAt: number): CachedToken {
    const invalid = (what: string) => new TokenExchangeError('ERR_TOKEN_RESPONSE_INVALID', what);
    const { access_token: accessToken, token_type: tokenType, expires_in: expiresIn, issued_token_type: issuedType } = body;
    if (typeof accessToken !== 'string' || accessToken.length === 0 || accessToken.length > 16_384) throw invalid('access_token');
    if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') throw invalid('token_type');
    if (issuedType !== ACCESS_TOKEN_TOKEN_TYPE) throw invalid('issued_token_type');
    if (!Number.isSafeInteger(expiresIn) || (expiresIn as number) <= 0) throw invalid('expires_in');
    const lifetimeMs = (expiresIn as number) * 1000;
    const marginMs = Math.min((this.options.refreshBeforeExpirySeconds ?? 30) * 1000, lifetimeMs / 2);
    return { accessToken, refreshAt: startedAt + lifetimeMs - marginMs };
  }

  private remember(key: string, token: CachedToken): void {
    const max = this.options.maxCachedTokens ?? 1000;
    this.cache.delete(key);
    if (this.cache.size >= max) {
      const now = this.now();
      for (const [old, entry] of this.cache) if (entry.refreshAt <= now) this.cache.delete(old);
      // Maps iterate in insertion order: the first entry is the oldest.
      while (this.cache.size >= max) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(key, token);
  }
}

/** The subject token only as a digest: a heap dump of the cache holds no user token. */
function cacheKey(subjectToken: string, { audience, scope = '' }: ExchangeTarget): string {
  const scopes = [...new Set(scope.split(' ').filter(Boolean))].sort().join(' ');
  return `${createHash('sha256').update(subjectToken).digest('base64url')}\n${audience}\n${scopes}`;
}
