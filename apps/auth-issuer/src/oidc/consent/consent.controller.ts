import { Controller, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@app/auth-guard';
import { requestedClientId, validateAuthorizationRequest } from '../authorize/authorization-request';
import { AuthorizationResponder } from '../authorize/authorization-responder';
import { CodeFlowClients } from '../clients/code-flow-clients';
import { formBody, MAX_AUTHORIZE_LENGTH, paramsOf } from '../login/form-input';
import { LoginCsrf } from '../login/login-csrf';
import { LOGIN_CSRF_COOKIE, OIDC_PATHS, SSO_COOKIE } from '../oidc.constants';
import { readCookie } from '../sessions/browser-cookies';
import { SsoSessionService } from '../sessions/sso-session.service';
import { consentContext } from './consent-gate';
import { ConsentService } from './consent.service';

const FORM_EXPIRED = 'This form has expired or did not come from this site. Go back to the application and sign in again.';

/**
 * The consent form's answer. Allow records the consent (user, client, scopes) and finishes the authorization
 * with a code; Deny sends the app access_denied with its state. The page itself is rendered by ConsentGate
 * in the response that accepted the request, never by a GET of its own.
 */
@Public()
@Controller()
export class ConsentController {
  constructor(
    private readonly clients: CodeFlowClients,
    private readonly sessions: SsoSessionService,
    private readonly responder: AuthorizationResponder,
    private readonly consents: ConsentService,
    private readonly csrf: LoginCsrf,
  ) {}

  @Post(OIDC_PATHS.consent)
  async decide(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const expired = () => this.responder.page(reply, 400, 'Sign-in cannot continue', FORM_EXPIRED);
    const body = formBody(request);
    const query = typeof body?.authorize === 'string' && body.authorize.length <= MAX_AUTHORIZE_LENGTH ? body.authorize : undefined;
    if (!body || query === undefined) return expired();
    const session = await this.sessions.current(readCookie(request, SSO_COOKIE));
    if (!session || !this.csrf.matches(readCookie(request, LOGIN_CSRF_COOKIE), body.csrf, consentContext(session, query))) return expired();
    const params = paramsOf(query);
    const outcome = validateAuthorizationRequest(params, await this.clients.find(requestedClientId(params)));
    if (outcome.kind === 'page') return this.responder.page(reply, 400, 'Sign-in cannot continue', outcome.message);
    if (outcome.kind === 'redirect') return this.responder.error(reply, outcome.error, 303);
    const authorization = outcome.request;
    if (body.decision === 'deny') {
      return this.responder.error(
        reply,
        { redirectUri: authorization.redirectUri, state: authorization.state, error: 'access_denied', description: 'the user denied access' },
        303,
      );
    }
    if (body.decision !== 'allow') return this.responder.page(reply, 400, 'Sign-in cannot continue', 'Choose Allow or Deny.');
    if (!authorization.client.firstParty) await this.consents.grant(session.subject, authorization.client.clientId, authorization.scopes);
    await this.responder.complete(reply, authorization, session, 303);
  }
}
