/** Well-known paths of the issuer, shared by both sides of the contract. */
export const ISSUER_PATHS = {
  discovery: '/.well-known/openid-configuration',
  /** RFC 8414 §3: the same metadata where OAuth-only clients look for it. */
  authorizationServerMetadata: '/.well-known/oauth-authorization-server',
  jwks: '/.well-known/jwks.json',
  login: '/auth/login',
  refresh: '/auth/refresh',
  logout: '/auth/logout',
  logoutAll: '/auth/logout-all',
  token: '/oauth/token',
  revoke: '/oauth/revoke',
  introspect: '/oauth/introspect',
} as const;

/**
 * The audience of the issuer's admin API (`/admin/*`): the only `aud` it accepts, obtained with
 * `POST /auth/login` and `resource` set to this value (RFC 8707). Never part of an ordinary login's `aud`.
 */
export const adminAudienceOf = (issuerUrl: string): string => `${issuerUrl}/admin`;

/** Audiences that name the issuer itself: no client and no ordinary login may hold them. */
export const issuerOwnAudiences = (issuerUrl: string): string[] => [issuerUrl, adminAudienceOf(issuerUrl)];
