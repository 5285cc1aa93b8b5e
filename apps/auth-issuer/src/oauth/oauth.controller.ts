import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ISSUER_PATHS, TOKEN_EXCHANGE_GRANT_TYPE, TokenResponse } from '@app/contract';
import { Public } from '@app/auth-guard';
import { noStore } from '../auth/no-store';
import type { ClientEntity } from '../clients/client.entity';
import { IssuerError } from '../errors/issuer.error';
import { TokenExchangeGrant } from '../exchange/token-exchange.grant';
import { AuthorizationCodeGrant } from '../oidc/tokens/authorization-code.grant';
import { ClientAuthentication } from './client-authentication';
import { ClientCredentialsGrant } from './client-credentials.grant';
import { OAuthForm } from './oauth.form';
import { RefreshTokenGrant } from './refresh-token.grant';
import { IntrospectionResponse, TokenIntrospectionService } from './token-introspection.service';
import { TokenRevocationService } from './token-revocation.service';

/** RFC 6749 token, RFC 7009 revocation and RFC 7662 introspection endpoints; every answer is no-store. */
@Public()
@Controller()
export class OAuthController {
  private readonly grants: Record<string, (form: OAuthForm, client: ClientEntity | undefined) => Promise<TokenResponse>>;

  constructor(
    private readonly clientAuth: ClientAuthentication,
    refreshToken: RefreshTokenGrant,
    clientCredentials: ClientCredentialsGrant,
    private readonly revocation: TokenRevocationService,
    private readonly introspection: TokenIntrospectionService,
    tokenExchange: TokenExchangeGrant,
    authorizationCode: AuthorizationCodeGrant,
  ) {
    this.grants = {
      authorization_code: (form, client) => authorizationCode.issue(form, client),
      refresh_token: (form, client) => refreshToken.issue(form, client),
      client_credentials: (form, client) => {
        if (!client || client.clientType !== 'confidential') throw new IssuerError('invalid_client', 'client_credentials needs client authentication');
        return clientCredentials.issue(form, client);
      },
      // RFC 8693 exchange acts for a service: a public client (a client_id alone) never authenticates as one.
      [TOKEN_EXCHANGE_GRANT_TYPE]: (form, client) => {
        if (client?.clientType === 'public') throw new IssuerError('invalid_client', 'token exchange needs client authentication');
        return tokenExchange.issue(form, client);
      },
    };
  }

  @Post(ISSUER_PATHS.token)
  @HttpCode(200)
  async token(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenResponse> {
    noStore(reply);
    const form = OAuthForm.from(request);
    const client = await this.clientAuth.optional(request.headers, form, request.ip);
    const grantType = form.require('grant_type');
    const grant = Object.prototype.hasOwnProperty.call(this.grants, grantType) ? this.grants[grantType] : undefined;
    if (!grant) throw new IssuerError('unsupported_grant_type', `supported: ${Object.keys(this.grants).join(', ')}`);
    return grant(form, client);
  }

  @Post(ISSUER_PATHS.revoke)
  @HttpCode(200)
  async revoke(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    noStore(reply);
    const form = OAuthForm.from(request);
    const client = await this.clientAuth.optional(request.headers, form, request.ip);
    form.get('token_type_hint'); // only a hint (RFC 7009 §2.1), but still at most once
    await this.revocation.revoke(form.require('token'), client);
  }

  @Post(ISSUER_PATHS.introspect)
  @HttpCode(200)
  async introspect(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<IntrospectionResponse> {
    noStore(reply);
    const form = OAuthForm.from(request);
    const client = await this.clientAuth.required(request.headers, form, request.ip);
    form.get('token_type_hint');
    return this.introspection.introspect(form.require('token'), client);
  }
}
