import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@app/auth-guard';
import { parseLoginRequest } from '../../auth/auth.requests';
import { LoginService } from '../../auth/login.service';
import { IssuerError } from '../../errors/issuer.error';
import { LoginThrottle } from '../../throttle/login-throttle.service';
import { type AuthorizationRequest, requestedClientId, validateAuthorizationRequest } from '../authorize/authorization-request';
import { AuthorizationResponder, sendHtml } from '../authorize/authorization-responder';
import { CodeFlowClients } from '../clients/code-flow-clients';
import { ConsentGate } from '../consent/consent-gate';
import { LOGIN_CSRF_COOKIE, LOGIN_CSRF_COOKIE_SECONDS, OIDC_PATHS, SSO_COOKIE, SSO_SESSION_TTL_SECONDS } from '../oidc.constants';
import { readCookie, setCookie } from '../sessions/browser-cookies';
import { SsoSessionService } from '../sessions/sso-session.service';
import { formBody, MAX_AUTHORIZE_LENGTH, paramsOf, queryOf } from './form-input';
import { LoginCsrf } from './login-csrf';
import { renderLoginPage } from './login-page.view';

const FORM_EXPIRED = 'This sign-in form has expired or did not come from this site. Go back to the application and sign in again.';

/**
 * The hosted sign-in page. GET shows the form for a valid authorization request; POST checks the CSRF binding,
 * then the password exactly as /auth/login does (same service, same throttle, same answer for unknown user and
 * wrong password), starts the issuer session and finishes the authorization request with a code.
 */
@Public()
@Controller()
export class LoginPageController {
  constructor(
    private readonly clients: CodeFlowClients,
    private readonly sessions: SsoSessionService,
    private readonly responder: AuthorizationResponder,
    private readonly login: LoginService,
    private readonly throttle: LoginThrottle,
    private readonly csrf: LoginCsrf,
    private readonly consent: ConsentGate,
  ) {}

  @Get(OIDC_PATHS.login)
  async show(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const query = queryOf(request);
    const authorization = await this.authorizationOf(reply, query, 302);
    if (!authorization) return;
    const cookieValue = this.csrf.cookieValue(readCookie(request, LOGIN_CSRF_COOKIE));
    setCookie(reply, LOGIN_CSRF_COOKIE, cookieValue, LOGIN_CSRF_COOKIE_SECONDS);
    this.form(reply, 200, authorization, query, cookieValue);
  }

  @Post(OIDC_PATHS.login)
  async submit(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = formBody(request);
    const cookieValue = readCookie(request, LOGIN_CSRF_COOKIE);
    if (!body || !this.csrf.matches(cookieValue, body.csrf)) return this.responder.page(reply, 400, 'Sign-in cannot continue', FORM_EXPIRED);
    const query = typeof body.authorize === 'string' && body.authorize.length <= MAX_AUTHORIZE_LENGTH ? body.authorize : undefined;
    if (query === undefined) return this.responder.page(reply, 400, 'Sign-in cannot continue', FORM_EXPIRED);
    const authorization = await this.authorizationOf(reply, query, 303);
    if (!authorization) return;
    const retry = (status: number, error: string, username?: string) => this.form(reply, status, authorization, query, cookieValue!, { error, username });
    let credentials: { username: string; password: string };
    try {
      credentials = parseLoginRequest({ username: body.username, password: body.password });
    } catch {
      return retry(400, 'Enter your username and password.', typeof body.username === 'string' ? body.username.slice(0, 256) : undefined);
    }
    let user;
    try {
      user = await this.throttle.attempt(credentials.username, request.ip, () => this.login.authenticate(credentials.username, credentials.password));
    } catch (error) {
      if (!(error instanceof IssuerError)) throw error;
      if (error.code === 'invalid_credentials') return retry(401, 'The username or password is incorrect.', credentials.username);
      if (error.code === 'rate_limited') {
        reply.header('retry-after', String(error.retryAfterSeconds ?? 60));
        return retry(429, `Too many failed sign-in attempts. Try again in ${error.retryAfterSeconds ?? 60} seconds.`, credentials.username);
      }
      if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
      return this.responder.page(reply, 503, 'Sign-in is unavailable', 'Sign-in is temporarily unavailable. Try again shortly.');
    }
    const previous = await this.sessions.current(readCookie(request, SSO_COOKIE));
    const started = await this.sessions.signedIn(user.id, previous);
    setCookie(reply, SSO_COOKIE, started.secret, SSO_SESSION_TTL_SECONDS);
    await this.consent.continue(request, reply, authorization, started.session, query, 303);
  }

  /** Re-validates the carried authorization request; answers the browser itself and returns undefined when it is not valid. */
  private async authorizationOf(reply: FastifyReply, query: string, status: 302 | 303): Promise<AuthorizationRequest | undefined> {
    const params = paramsOf(query);
    const outcome = validateAuthorizationRequest(params, await this.clients.find(requestedClientId(params)));
    if (outcome.kind === 'page') {
      this.responder.page(reply, 400, 'Sign-in cannot continue', outcome.message);
    } else if (outcome.kind === 'redirect') {
      this.responder.error(reply, outcome.error, status);
    } else {
      return outcome.request;
    }
    return undefined;
  }

  private form(
    reply: FastifyReply,
    status: number,
    authorization: AuthorizationRequest,
    query: string,
    cookieValue: string,
    extra: { error?: string; username?: string } = {},
  ): void {
    const html = renderLoginPage({
      action: OIDC_PATHS.login,
      clientId: authorization.client.clientId,
      csrf: this.csrf.tokenFor(cookieValue),
      authorize: query,
      ...extra,
    });
    sendHtml(reply, status, html, authorization.redirectUri);
  }
}
