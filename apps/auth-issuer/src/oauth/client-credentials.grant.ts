import { Inject, Injectable } from '@nestjs/common';
import { issuerOwnAudiences, type TokenResponse } from '@app/contract';
import type { ClientEntity } from '../clients/client.entity';
import { isReservedAudience, parseScopeParameter } from '../clients/client.rules';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';
import { AccessTokenSigner } from '../tokens/access-token.signer';
import type { OAuthForm } from './oauth.form';

/**
 * RFC 6749 §4.4 for registered confidential clients. The token's `aud` is the one service the client
 * calls (RFC 8707 `resource`, or `audience`), `sub` and `client_id` are the client, `roles` is empty,
 * and there is no refresh token (§4.4.3): the client simply asks again.
 */
@Injectable()
export class ClientCredentialsGrant {
  constructor(
    private readonly signer: AccessTokenSigner,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async issue(form: OAuthForm, client: ClientEntity): Promise<TokenResponse> {
    const scope = this.scopeFor(form, client);
    const audience = this.audienceFor(form, client);
    const access = await this.signer.sign({ sub: client.clientId, clientId: client.clientId, roles: [], scope, audience: [audience] });
    return { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, scope };
  }

  /** Requested ⊆ allowed; no `scope` parameter means every allowed scope (§3.3's pre-defined default). */
  private scopeFor(form: OAuthForm, client: ClientEntity): string {
    const requested = form.get('scope');
    if (requested === undefined) return client.allowedScopes.join(' ');
    const scopes = parseScopeParameter(requested);
    if (!scopes.every((scope) => client.allowedScopes.includes(scope))) {
      throw new IssuerError('invalid_scope', 'requested scope is not allowed for this client');
    }
    return scopes.join(' ');
  }

  private audienceFor(form: OAuthForm, client: ClientEntity): string {
    const resource = form.get('resource');
    const audience = form.get('audience');
    if (resource !== undefined && audience !== undefined && resource !== audience) {
      throw new IssuerError('invalid_target', 'resource and audience name different services');
    }
    if (resource === undefined && audience === undefined && client.allowedAudiences.length !== 1) {
      throw new IssuerError('invalid_target', 'this client may call several services; name one with resource');
    }
    const wanted = resource ?? audience ?? client.allowedAudiences[0];
    // The issuer's own APIs take user tokens only; checked on every path, also for clients registered
    // before registration refused these audiences.
    if (!client.allowedAudiences.includes(wanted) || isReservedAudience(wanted, issuerOwnAudiences(this.config.issuerUrl))) {
      throw new IssuerError('invalid_target', 'this client may not obtain tokens for that service');
    }
    return wanted;
  }
}
