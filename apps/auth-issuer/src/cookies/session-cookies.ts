import { Inject, Injectable } from '@nestjs/common';
import { createHmac, hkdfSync } from 'node:crypto';
import { parse, serialize, SerializeOptions } from 'cookie';
import type { FastifyReply } from 'fastify';
import { AUTH_COOKIES, TokenResponse } from '@app/contract';
import { csrfEchoed, repeatedCookie } from '@app/auth-guard';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';

type Headers = Record<string, string | string[] | undefined>;

/** What a cookie-mode login or refresh returns instead of the tokens, which script must never see. */
export interface CookieDeliveryResponse {
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  delivery: 'cookie';
}

const SESSION_COOKIES = [AUTH_COOKIES.access, AUTH_COOKIES.refresh, AUTH_COOKIES.csrf];

const BASE: SerializeOptions = { httpOnly: true, secure: true, sameSite: 'strict', path: '/' };

/**
 * Cookie delivery for browser apps (AUTH_COOKIE=1): the access token in an HttpOnly `__Host-` cookie,
 * the refresh token in an HttpOnly cookie sent only to /auth, and a script-readable CSRF cookie
 * that state-changing requests echo in a header (double submit).
 *
 * The refresh cookie cannot be `__Host-` (it is scoped to /auth), so a sibling subdomain can toss in one of its own.
 * Two defences: a request carrying any session cookie name twice is refused (400), and the CSRF token is an HMAC of
 * the refresh token it was issued with, so a planted refresh cookie never matches the victim's CSRF token.
 */
@Injectable()
export class SessionCookies {
  private readonly csrfKey: Buffer;

  constructor(@Inject(ISSUER_CONFIG) private readonly config: IssuerConfig) {
    // A key of its own, derived so a CSRF token says nothing about the key-encryption key.
    this.csrfKey = Buffer.from(hkdfSync('sha256', config.keyEncryptionKey, Buffer.alloc(0), 'token-backbone csrf v1', 32));
  }

  /** Whether a login body asks for cookies (`"cookie": true`); refused while the option is off. */
  requested(body: unknown): boolean {
    const flag = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).cookie : undefined;
    if (flag === undefined || flag === false) return false;
    if (flag !== true) throw new IssuerError('invalid_request', 'cookie must be a boolean');
    if (!this.config.cookieDelivery) throw new IssuerError('invalid_request', 'cookie delivery is not enabled on this issuer');
    return true;
  }

  deliver(reply: FastifyReply, tokens: TokenResponse): CookieDeliveryResponse {
    const csrf = this.csrfFor(tokens.refresh_token ?? '');
    const refreshMaxAge = this.config.refreshTokenTtl;
    reply.header('set-cookie', [
      serialize(AUTH_COOKIES.access, tokens.access_token, { ...BASE, maxAge: tokens.expires_in }),
      serialize(AUTH_COOKIES.refresh, tokens.refresh_token ?? '', { ...BASE, path: AUTH_COOKIES.refreshPath, maxAge: refreshMaxAge }),
      serialize(AUTH_COOKIES.csrf, csrf, { ...BASE, httpOnly: false, maxAge: refreshMaxAge }),
    ]);
    return { token_type: 'Bearer', expires_in: tokens.expires_in, scope: tokens.scope, delivery: 'cookie' };
  }

  /**
   * The refresh token from its cookie when the JSON body names none; undefined when there is no cookie.
   * A cookie without the matching CSRF header is refused, never silently used.
   */
  refreshTokenFrom(headers: Headers, body: unknown): string | undefined {
    if (!this.config.cookieDelivery) return undefined;
    const named = body !== null && typeof body === 'object' && (body as Record<string, unknown>).refresh_token !== undefined;
    const cookies = this.cookiesOf(headers);
    const token = cookies[AUTH_COOKIES.refresh];
    if (named || !token) return undefined;
    const header = headers[AUTH_COOKIES.csrfHeader];
    if (!csrfEchoed(header, cookies[AUTH_COOKIES.csrf])) {
      throw new IssuerError('invalid_request', `the ${AUTH_COOKIES.csrfHeader} header must echo the CSRF cookie`);
    }
    if (!csrfEchoed(header, this.csrfFor(token))) {
      throw new IssuerError('invalid_request', 'the CSRF token was not issued with this refresh cookie');
    }
    return token;
  }

  /** Expires the three cookies, when the request carried any of them. */
  clearIfPresent(headers: Headers, reply: FastifyReply): void {
    const cookies = typeof headers.cookie === 'string' ? parse(headers.cookie) : {};
    if (!SESSION_COOKIES.some((name) => cookies[name] !== undefined)) return;
    reply.header('set-cookie', [
      serialize(AUTH_COOKIES.access, '', { ...BASE, maxAge: 0 }),
      serialize(AUTH_COOKIES.refresh, '', { ...BASE, path: AUTH_COOKIES.refreshPath, maxAge: 0 }),
      serialize(AUTH_COOKIES.csrf, '', { ...BASE, httpOnly: false, maxAge: 0 }),
    ]);
  }

  /** The Cookie header parsed, refused (400, before anything changes) when it names a session cookie twice. */
  private cookiesOf(headers: Headers): Record<string, string | undefined> {
    if (typeof headers.cookie !== 'string') return {};
    const repeated = repeatedCookie(headers.cookie, SESSION_COOKIES);
    if (repeated) throw new IssuerError('invalid_request', `the ${repeated} cookie is present more than once`);
    return parse(headers.cookie);
  }

  /** The CSRF token that goes with a refresh token: a planted refresh cookie has a CSRF token the victim's page never holds. */
  private csrfFor(refreshToken: string): string {
    return createHmac('sha256', this.csrfKey).update(refreshToken).digest('base64url');
  }
}
