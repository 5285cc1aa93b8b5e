import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isOperatorConsole } from '../../clients/operator-console.client';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { UsersService } from '../../users/users.service';
import { AuthorizationCodesService } from '../codes/authorization-codes.service';
import { pageSecurityPolicy, renderMessagePage } from '../login/login-page.view';
import type { SsoSessionEntity } from '../sessions/sso-session.entity';
import type { AuthorizationRequest, RedirectableError } from './authorization-request';

/** Answers an authorization request: a code or an error on the registered redirect URI, or the issuer's own page. */
@Injectable()
export class AuthorizationResponder {
  constructor(
    private readonly codes: AuthorizationCodesService,
    private readonly users: UsersService,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  /** Issues a code for the signed-in session and sends the browser back with it (RFC 9207 `iss` included). */
  async complete(reply: FastifyReply, request: AuthorizationRequest, session: SsoSessionEntity, status: 302 | 303): Promise<void> {
    // The console's code buys an admin token: a user without role admin gets no code at all (checked again at redemption).
    if (isOperatorConsole(request.client) && !(await this.users.findById(session.subject))?.roles.includes('admin'))
      return this.error(
        reply,
        { redirectUri: request.redirectUri, state: request.state, error: 'access_denied', description: 'role admin is required' },
        status,
      );
    const code = await this.codes.issue({
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      subject: session.subject,
      sessionId: session.id,
      scope: request.scopes.join(' '),
      nonce: request.nonce ?? null,
      authTime: session.authTime,
    });
    this.redirect(reply, request.redirectUri, { code, state: request.state }, status);
  }

  error(reply: FastifyReply, error: RedirectableError, status: 302 | 303 = 302): void {
    this.redirect(reply, error.redirectUri, { error: error.error, error_description: error.description, state: error.state }, status);
  }

  /** What must not be redirected: shown here, 400, never cached or framed. */
  page(reply: FastifyReply, status: number, title: string, message: string): void {
    sendHtml(reply, status, renderMessagePage(title, message));
  }

  private redirect(reply: FastifyReply, redirectUri: string, params: Record<string, string | undefined>, status: 302 | 303): void {
    const url = new URL(redirectUri);
    for (const [name, value] of Object.entries({ ...params, iss: this.config.issuerUrl })) if (value !== undefined) url.searchParams.append(name, value);
    reply.header('cache-control', 'no-store').code(status).redirect(url.toString(), status);
  }
}

/** Every issuer page: HTML, no-store, a strict CSP and no framing. */
export function sendHtml(reply: FastifyReply, status: number, html: string, formTarget?: string): void {
  reply
    .header('content-security-policy', pageSecurityPolicy(formTarget))
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .type('text/html; charset=utf-8')
    .code(status)
    .send(html);
}
