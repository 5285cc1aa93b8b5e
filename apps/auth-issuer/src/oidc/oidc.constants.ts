/** Where the code flow lives; clients find every one of these through discovery. */
export const OIDC_PATHS = {
  authorize: '/oauth/authorize',
  login: '/oidc/login',
  userinfo: '/oidc/userinfo',
  endSession: '/oidc/logout',
  consent: '/oidc/consent',
} as const;

/** Scopes the code flow understands (OpenID Connect Core §5.4, §11). */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** Claims an ID token or UserInfo may carry. */
export const OIDC_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'sid', 'at_hash', 'preferred_username', 'name'] as const;

/** An authorization code lives at most this long (RFC 9700 §2.1.1 suggests short; OIDC says use once). */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;

/** How long one sign-in at the issuer lasts for further apps (a working day); logout ends it sooner. */
export const SSO_SESSION_TTL_SECONDS = 10 * 3600;

/** `__Host-`: Secure, Path=/, no Domain, so no sibling host can plant or read it. */
export const SSO_COOKIE = '__Host-sso';
/** The login form's CSRF binding: a random value whose HMAC the form must echo. */
export const LOGIN_CSRF_COOKIE = '__Host-login-csrf';
/** How long a browser keeps the form CSRF cookie (sign-in and consent forms). */
export const LOGIN_CSRF_COOKIE_SECONDS = 3600;
