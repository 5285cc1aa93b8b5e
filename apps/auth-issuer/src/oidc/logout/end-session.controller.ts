import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { Public } from '@app/auth-guard';
import { matchesRegisteredUri } from '../../clients/redirect-uri.rules';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { SigningKeysService } from '../../keys/ring/signing-keys.service';
import { AuthorizationResponder } from '../authorize/authorization-responder';
import type { Params } from '../authorize/authorization-request';
import { CodeFlowClients } from '../clients/code-flow-clients';
import { OIDC_PATHS, SSO_COOKIE } from '../oidc.constants';
import { clearCookie, readCookie } from '../sessions/browser-cookies';
import { SsoSessionService } from '../sessions/sso-session.service';

interface HintClaims {
  iss?: unknown;
  aud?: unknown;
  sid?: unknown;
}

const single = (params: Params, name: string) => (typeof params[name] === 'string' && params[name] !== '' ? params[name] : undefined);

/**
 * OpenID Connect RP-Initiated Logout 1.0. The `id_token_hint` (one of ours, expired or not) names the session
 * and the client; the session ends with every token granted under it, at every service. The browser goes back
 * only to a post_logout_redirect_uri the client registered, exactly; anything else ends on the issuer's page.
 */
@Public()
@Controller()
export class EndSessionController {
  constructor(
    private readonly sessions: SsoSessionService,
    private readonly clients: CodeFlowClients,
    private readonly keys: SigningKeysService,
    private readonly responder: AuthorizationResponder,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  @Get(OIDC_PATHS.endSession)
  async endSession(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const params = (request.query ?? {}) as Params;
    const refuse = (message: string) => this.responder.page(reply, 400, 'Sign-out cannot continue', message);
    for (const name of ['id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id']) {
      if (params[name] !== undefined && typeof params[name] !== 'string') return refuse(`${name} must appear at most once.`);
    }
    const hint = single(params, 'id_token_hint');
    if (hint === undefined) return refuse('The application did not say which sign-in to end (id_token_hint is required).');
    const claims = await this.verifiedHint(hint);
    if (!claims || typeof claims.sid !== 'string' || typeof claims.aud !== 'string') return refuse('The sign-out request is not valid.');
    const clientId = single(params, 'client_id');
    if (clientId !== undefined && clientId !== claims.aud) return refuse('The sign-out request is not valid.');
    const target = single(params, 'post_logout_redirect_uri');
    const client = await this.clients.find(claims.aud);
    if (target !== undefined && (!client || !matchesRegisteredUri(target, client.postLogoutRedirectUris))) {
      return refuse('The application asked to return to an address it has not registered.');
    }
    await this.sessions.end(claims.sid, 'rp_initiated_logout');
    const current = await this.sessions.current(readCookie(request, SSO_COOKIE));
    if (!current) clearCookie(reply, SSO_COOKIE);
    if (target === undefined) return this.responder.page(reply, 200, 'Signed out', 'You are signed out.');
    const url = new URL(target);
    const state = single(params, 'state');
    if (state !== undefined) url.searchParams.append('state', state);
    reply.header('cache-control', 'no-store').redirect(url.toString(), 302);
  }

  /** The hint's claims when one of the ring's published keys signed it for this issuer; its expiry does not matter here. */
  private async verifiedHint(hint: string): Promise<HintClaims | undefined> {
    try {
      // Only an ID token: an access token's `sid` names a grant, not a sign-in.
      const { kid, typ } = decodeProtectedHeader(hint);
      const key = typeof kid === 'string' && typ === 'JWT' ? this.keys.current().byKid.get(kid) : undefined;
      if (!key) return undefined;
      const { payload } = await compactVerify(hint, key.publicKey, { algorithms: [key.alg] });
      const claims = JSON.parse(new TextDecoder().decode(payload)) as HintClaims;
      return claims && claims.iss === this.config.issuerUrl ? claims : undefined;
    } catch {
      return undefined;
    }
  }
}
