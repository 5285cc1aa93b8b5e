/**
 * Cookie delivery for browser apps, shared by the issuer (writer) and guards (readers).
 * `__Host-` cookies are Secure, host-only and Path=/, so a sibling subdomain cannot plant them
 * (which is what keeps the plain double-submit CSRF check sound).
 */
export const AUTH_COOKIES = {
  /** HttpOnly access token, sent to every path of the host. */
  access: '__Host-access_token',
  /** HttpOnly refresh token, sent only to the issuer's /auth paths. */
  refresh: '__Secure-refresh_token',
  refreshPath: '/auth',
  /** Readable by the page's script, which echoes it in the CSRF header on state-changing requests. */
  csrf: '__Host-csrf_token',
  csrfHeader: 'x-csrf-token',
} as const;

/** The guard option that accepts the access cookie under the double-submit check. */
export const AUTH_COOKIE_GUARD_OPTION = { name: AUTH_COOKIES.access, csrfHeader: AUTH_COOKIES.csrfHeader, csrfCookie: AUTH_COOKIES.csrf } as const;
