import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ISSUER_PATHS, TOKEN_EXCHANGE_GRANT_TYPE } from '@app/contract';
import { Public } from '@app/auth-guard';
import { ISSUER_CONFIG, IssuerConfig, SIGNING_ALGORITHMS } from '../config/issuer.config';

/**
 * OpenID Provider / RFC 8414 metadata, served at both well-known paths (OAuth-only clients such as
 * openid-client with `algorithm: 'oauth2'` read the RFC 8414 one); built once, since nothing in it
 * changes at run time.
 */
@Controller()
export class DiscoveryController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(ISSUER_CONFIG) config: IssuerConfig) {
    const at = (path: string) => `${config.issuerUrl}${path}`;
    this.document = {
      issuer: config.issuerUrl,
      jwks_uri: at(ISSUER_PATHS.jwks),
      token_endpoint: at(ISSUER_PATHS.token),
      revocation_endpoint: at(ISSUER_PATHS.revoke),
      introspection_endpoint: at(ISSUER_PATHS.introspect),
      // Password login is the first-party /auth/login, not an OAuth grant; there is no authorization endpoint.
      grant_types_supported: ['refresh_token', 'client_credentials', TOKEN_EXCHANGE_GRANT_TYPE],
      response_types_supported: [],
      subject_types_supported: ['public'],
      // 'none': first-party refresh tokens (from /auth/login) are refreshed and revoked without client auth.
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
      access_token_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'roles', 'scope', 'client_id', 'sid', 'act'],
    };
  }

  @Public()
  @Get([ISSUER_PATHS.discovery, ISSUER_PATHS.authorizationServerMetadata])
  @Header('cache-control', 'public, max-age=300')
  discovery(): Record<string, unknown> {
    return this.document;
  }
}
