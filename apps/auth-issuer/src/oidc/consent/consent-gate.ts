import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthorizationRequest } from '../authorize/authorization-request';
import { AuthorizationResponder, sendHtml } from '../authorize/authorization-responder';
import { LoginCsrf } from '../login/login-csrf';
import { LOGIN_CSRF_COOKIE, LOGIN_CSRF_COOKIE_SECONDS, OIDC_PATHS } from '../oidc.constants';
import { readCookie, setCookie } from '../sessions/browser-cookies';
import type { SsoSessionEntity } from '../sessions/sso-session.entity';
import { ConsentService } from './consent.service';
import { renderConsentPage } from './consent-page.view';

/**
 * The consent form's CSRF token covers the session, its auth_time and the exact authorization request: the page
 * is only ever rendered after /oauth/authorize or the sign-in form accepted that request (prompt=login, max_age),
 * so a token from one request cannot finish another, nor outlive a new sign-in.
 */
export function consentContext(session: SsoSessionEntity, query: string): string {
  return `consent\n${session.id}\n${session.authTime.getTime()}\n${query}`;
}

/** The step after sign-in: a code at once (first-party, or consent already given), else the consent page. */
@Injectable()
export class ConsentGate {
  constructor(
    private readonly consents: ConsentService,
    private readonly responder: AuthorizationResponder,
    private readonly csrf: LoginCsrf,
  ) {}

  /** Whether this request would show the page (prompt=none must then answer consent_required instead). */
  mustAsk(authorization: AuthorizationRequest, session: SsoSessionEntity): Promise<boolean> {
    return this.consents.mustAsk(session.subject, authorization.client, authorization.scopes, authorization.prompt.consent);
  }

  async continue(
    request: FastifyRequest,
    reply: FastifyReply,
    authorization: AuthorizationRequest,
    session: SsoSessionEntity,
    query: string,
    status: 302 | 303,
  ): Promise<void> {
    if (!(await this.mustAsk(authorization, session))) return this.responder.complete(reply, authorization, session, status);
    const cookieValue = this.csrf.cookieValue(readCookie(request, LOGIN_CSRF_COOKIE));
    setCookie(reply, LOGIN_CSRF_COOKIE, cookieValue, LOGIN_CSRF_COOKIE_SECONDS);
    const html = renderConsentPage({
      action: OIDC_PATHS.consent,
      clientId: authorization.client.clientId,
      scopes: authorization.scopes,
      audiences: authorization.client.allowedAudiences,
      csrf: this.csrf.tokenFor(cookieValue, consentContext(session, query)),
      authorize: query,
    });
    sendHtml(reply, 200, html, authorization.redirectUri);
  }
}
