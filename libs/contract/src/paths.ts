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
