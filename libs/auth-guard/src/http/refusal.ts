import type { VerificationFailure } from '../verify/verification.error';

/** What a refused caller receives: status, headers and a body that says nothing about the reason. */
export interface Refusal {
  status: 401 | 403 | 503;
  headers: Record<string, string>;
  body: { statusCode: number; message: string };
}

export interface RefusalContext {
  /** The `realm` of the challenge: this service's audience. */
  realm: string;
  /** Retry-After for 503s. */
  retryAfterSeconds: number;
  /** For ERR_INSUFFICIENT_SCOPE: the scopes the route needs. */
  scope?: string;
}

/** RFC 6750 §3 `WWW-Authenticate` value. */
export const bearerChallenge = (realm: string, params: Record<string, string>) =>
  ['Bearer realm="' + realm + '"', ...Object.entries(params).map(([k, v]) => `${k}="${v}"`)].join(', ');

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * One table from failure code to what the caller sees, Nest-free so every form (Nest guard, Passport,
 * plain Node middleware) answers alike. No refusal may be cached by a proxy.
 */
export function refusalFor(code: VerificationFailure, context: RefusalContext): Refusal {
  switch (code) {
    case 'ERR_KEYS_UNAVAILABLE':
    case 'ERR_REVOCATION_UNAVAILABLE':
      return {
        status: 503,
        headers: { 'retry-after': String(context.retryAfterSeconds), ...NO_STORE },
        body: { statusCode: 503, message: 'Service Unavailable' },
      };
    case 'ERR_INSUFFICIENT_ROLE':
    case 'ERR_INSUFFICIENT_SCOPE':
    case 'ERR_DELEGATION_REFUSED': {
      const params = { error: 'insufficient_scope', ...(context.scope ? { scope: context.scope } : {}) };
      return {
        status: 403,
        headers: { 'www-authenticate': bearerChallenge(context.realm, params), ...NO_STORE },
        body: { statusCode: 403, message: 'Forbidden' },
      };
    }
    default: {
      // RFC 6750 §3.1: a request without Bearer credentials gets a challenge without an error code.
      const params: Record<string, string> = code === 'ERR_TOKEN_MISSING' ? {} : { error: 'invalid_token' };
      return {
        status: 401,
        headers: { 'www-authenticate': bearerChallenge(context.realm, params), ...NO_STORE },
        body: { statusCode: 401, message: 'Unauthorized' },
      };
    }
  }
}
