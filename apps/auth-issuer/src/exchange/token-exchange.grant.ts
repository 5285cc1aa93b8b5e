import { Inject, Injectable } from '@nestjs/common';
import { ACCESS_TOKEN_TOKEN_TYPE, issuerOwnAudiences, type TokenExchangeResponse } from '@app/contract';
import type { ClientEntity } from '../clients/client.entity';
import { parseScopeParameter } from '../clients/client.rules';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';
import { AccessTokenInspector } from '../oauth/access-token.inspector';
import type { OAuthForm } from '../oauth/oauth.form';
import { RevocationReader } from '../revocation/revocation.reader';
import { AccessTokenSigner } from '../tokens/access-token.signer';
import { decideExchange, ExchangeRequest } from './exchange.policy';

/**
 * RFC 8693 token exchange for a service acting on a user's behalf. The subject token is verified with the
 * issuer's own key ring and revocation state (the introspection path), then the policy decides; the result is
 * an access token for the one target, of the subject's user and session, with `act` naming the caller.
 */
@Injectable()
export class TokenExchangeGrant {
  constructor(
    private readonly inspector: AccessTokenInspector,
    private readonly revocation: RevocationReader,
    private readonly signer: AccessTokenSigner,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async issue(form: OAuthForm, client: ClientEntity | undefined): Promise<TokenExchangeResponse> {
    // Public clients and anonymous callers prove no identity that could be the actor.
    if (!client) throw new IssuerError('invalid_client', 'token exchange needs client authentication');
    const subjectToken = readSubjectToken(form);
    const request = readTarget(form);
    const subject = await this.inspector.verify(subjectToken);
    if (!subject || (await this.revocation.isRevoked(subject))) throw new IssuerError('invalid_request', 'subject_token is invalid, expired or revoked');
    const decision = decideExchange(subject, client, request, {
      maxChainDepth: this.config.tokenExchange.maxChainDepth,
      reservedAudiences: issuerOwnAudiences(this.config.issuerUrl),
    });
    const access = await this.signer.sign({
      sub: decision.sub,
      roles: decision.roles,
      scope: decision.scope,
      audience: [decision.audience],
      clientId: client.clientId,
      sessionId: decision.sid,
      act: decision.act,
      expiresAtMost: decision.expiresAtMost,
    });
    // §2.2.1: scope is returned when it is not exactly what was asked for.
    const scope = request.scope === undefined && decision.scope !== '' ? { scope: decision.scope } : {};
    return { access_token: access.token, issued_token_type: ACCESS_TOKEN_TOKEN_TYPE, token_type: 'Bearer', expires_in: access.expiresIn, ...scope };
  }
}

function readSubjectToken(form: OAuthForm): string {
  const token = form.require('subject_token');
  if (form.require('subject_token_type') !== ACCESS_TOKEN_TOKEN_TYPE) throw new IssuerError('invalid_request', 'subject_token_type must be an access token');
  const requested = form.get('requested_token_type');
  if (requested !== undefined && requested !== ACCESS_TOKEN_TOKEN_TYPE) throw new IssuerError('invalid_request', 'only access tokens are issued');
  // The acting service is the authenticated client; a second actor credential could only disagree with it.
  if (form.get('actor_token') !== undefined || form.get('actor_token_type') !== undefined) {
    throw new IssuerError('invalid_request', 'actor_token is not accepted: the acting service authenticates as the client');
  }
  return token;
}

/** One target (`audience`, or RFC 8707 `resource` naming the same); a repeated one is invalid_request (OAuthForm). */
function readTarget(form: OAuthForm): ExchangeRequest {
  const audience = form.get('audience');
  const resource = form.get('resource');
  if (audience !== undefined && resource !== undefined && audience !== resource)
    throw new IssuerError('invalid_target', 'resource and audience name different services');
  const target = audience ?? resource;
  if (target === undefined) throw new IssuerError('invalid_request', 'audience is required');
  const scope = form.get('scope');
  return { audience: target, scope: scope === undefined ? undefined : parseScopeParameter(scope) };
}
