import { Inject, Injectable } from '@nestjs/common';
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';

const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * CSRF protection of the sign-in form: the browser holds a random pre-login cookie, the form carries its HMAC.
 * A cross-site page can post the form but can neither read the cookie nor compute the HMAC, and a login-CSRF
 * (signing the victim into the attacker's account) needs both.
 */
@Injectable()
export class LoginCsrf {
  private readonly key: Buffer;

  constructor(@Inject(ISSUER_CONFIG) config: IssuerConfig) {
    this.key = Buffer.from(hkdfSync('sha256', config.keyEncryptionKey, Buffer.alloc(0), 'token-backbone oidc login csrf v1', 32));
  }

  /** The cookie value to keep (a well-formed one the browser has) or a fresh one. */
  cookieValue(existing: string | undefined): string {
    return existing !== undefined && COOKIE_VALUE.test(existing) ? existing : randomBytes(32).toString('base64url');
  }

  /** `context` binds a form to more than the browser (the consent form: to the SSO session), so one form's token fits no other. */
  tokenFor(cookieValue: string, context = ''): string {
    return createHmac('sha256', this.key)
      .update(context === '' ? cookieValue : `${cookieValue}\n${context}`, 'utf8')
      .digest('base64url');
  }

  matches(cookieValue: string | undefined, token: unknown, context = ''): boolean {
    if (cookieValue === undefined || !COOKIE_VALUE.test(cookieValue) || typeof token !== 'string') return false;
    const expected = Buffer.from(this.tokenFor(cookieValue, context));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
