/** Every route of every app (from the controllers), plus paths no app serves. */
export const ISSUER_ROUTES: [string, string][] = [
  ['POST', '/auth/login'],
  ['POST', '/auth/refresh'],
  ['POST', '/auth/logout'],
  ['POST', '/auth/logout-all'],
  ['POST', '/oauth/token'],
  ['POST', '/oauth/revoke'],
  ['POST', '/oauth/introspect'],
  ['GET', '/admin/keys'],
  ['POST', '/admin/keys/rotate'],
  ['POST', '/admin/keys/import'],
  ['POST', '/admin/keys/some-kid/revoke'],
  ['GET', '/.well-known/openid-configuration'],
  ['GET', '/.well-known/oauth-authorization-server'],
  ['GET', '/.well-known/jwks.json'],
  ['GET', '/health'],
  ['GET', '/oauth/authorize'],
  ['GET', '/oidc/login'],
  ['POST', '/oidc/login'],
  ['GET', '/oidc/userinfo'],
  ['POST', '/oidc/userinfo'],
  ['GET', '/oidc/logout'],
];

export const SERVICE_ROUTES: [string, string][] = [
  ['GET', '/health'],
  ['GET', '/me'],
  ['GET', '/admin/ping'],
];

export const ORDERS_ROUTES: [string, string][] = [...SERVICE_ROUTES, ['GET', '/orders'], ['GET', '/orders/summary'], ['GET', '/orders/invoice-summary']];
export const BILLING_ROUTES: [string, string][] = [...SERVICE_ROUTES, ['GET', '/invoices'], ['GET', '/invoices/summary']];

/** Unknown paths and odd spellings of known ones (the 404 handler and the router see these). */
export const UNKNOWN_PATHS = [
  '/',
  '/nope',
  '/auth',
  '/auth/login/',
  '/AUTH/LOGIN',
  '/auth//login',
  '/%2e%2e/etc/passwd',
  '/auth/%ZZ',
  '/admin/keys/%00/revoke',
  `/${'a'.repeat(2000)}`,
  '/health?x=%ff',
  '/me;jsessionid=1',
];

/** Methods sent to every path, with a body even where none is expected. */
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
