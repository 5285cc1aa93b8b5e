import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@app/auth-guard';
import { CodeFlowClients } from '../clients/code-flow-clients';
import { ConsentGate } from '../consent/consent-gate';
import { queryOf } from '../login/form-input';
import { OIDC_PATHS, SSO_COOKIE } from '../oidc.constants';
import { readCookie } from '../sessions/browser-cookies';
import { SsoSessionService } from '../sessions/sso-session.service';
import { requestedClientId, validateAuthorizationRequest, type Params } from './authorization-request';
import { AuthorizationResponder } from './authorization-responder';

/**
 * The authorization endpoint (OpenID Connect Core §3.1.2). With a live issuer session the browser goes straight
 * back with a code (single sign-on), or sees the consent page first (non-first-party clients); otherwise to the
 * sign-in page, unless prompt=none (login_required, consent_required).
 */
@Public()
@Controller()
export class AuthorizeController {
  constructor(
    private readonly clients: CodeFlowClients,
    private readonly sessions: SsoSessionService,
    private readonly responder: AuthorizationResponder,
    private readonly consent: ConsentGate,
  ) {}

  @Get(OIDC_PATHS.authorize)
  async authorize(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const params = (request.query ?? {}) as Params;
    const outcome = validateAuthorizationRequest(params, await this.clients.find(requestedClientId(params)));
    if (outcome.kind === 'page') return this.responder.page(reply, 400, 'Sign-in cannot continue', outcome.message);
    if (outcome.kind === 'redirect') return this.responder.error(reply, outcome.error);
    const authorization = outcome.request;
    const fail = (error: string, description: string) =>
      this.responder.error(reply, { redirectUri: authorization.redirectUri, state: authorization.state, error, description });
    const session = await this.sessions.current(readCookie(request, SSO_COOKIE));
    const tooOld = session !== undefined && authorization.maxAge !== undefined && Date.now() - session.authTime.getTime() > authorization.maxAge * 1000;
    const mustSignIn = !session || authorization.prompt.login || tooOld;
    if (mustSignIn && authorization.prompt.none) return fail('login_required', 'the user is not signed in at the issuer');
    if (!mustSignIn && session) {
      if (authorization.prompt.none && (await this.consent.mustAsk(authorization, session)))
        return fail('consent_required', 'the user has not allowed this application');
      return this.consent.continue(request, reply, authorization, session, queryOf(request), 302);
    }
    // The sign-in page receives the request as it came; it validates it again and finishes it itself.
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    reply.header('cache-control', 'no-store').redirect(`${OIDC_PATHS.login}${query}`, 302);
  }
}
