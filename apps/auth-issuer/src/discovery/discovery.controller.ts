import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ISSUER_PATHS, TOKEN_EXCHANGE_GRANT_TYPE } from '@app/contract';
import { Public } from '@app/auth-guard';
import { ISSUER_CONFIG, IssuerConfig, SIGNING_ALGORITHMS } from '../config/issuer.config';
import { OIDC_CLAIMS, OIDC_PATHS, OIDC_SCOPES } from '../oidc/oidc.constants';

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
      // Web apps sign users in with the code flow (PKCE S256 only); first-party apps also use /auth/login.
      authorization_endpoint: at(OIDC_PATHS.authorize),
      userinfo_endpoint: at(OIDC_PATHS.userinfo),
      end_session_endpoint: at(OIDC_PATHS.endSession),
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', TOKEN_EXCHANGE_GRANT_TYPE],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: [...OIDC_SCOPES],
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
      authorization_response_iss_parameter_supported: true,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      frontchannel_logout_supported: false,
      subject_types_supported: ['public'],
      // 'none': first-party refresh tokens (from /auth/login) are refreshed and revoked without client auth.
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
      access_token_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
      claims_supported: [...new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'roles', 'scope', 'client_id', 'sid', 'act', ...OIDC_CLAIMS])],
    };
  }

  @Public()
  @Get([ISSUER_PATHS.discovery, ISSUER_PATHS.authorizationServerMetadata])
  @Header('cache-control', 'public, max-age=300')
  discovery(): Record<string, unknown> {
    return this.document;
  }
}
