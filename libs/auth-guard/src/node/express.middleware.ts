import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessTokenClaims } from '@app/contract';
import type { AccessRules, TokenVerifier } from './token-verifier';
import { writeRefusal } from './write-refusal';

type Next = (error?: unknown) => void;

/**
 * Express (or Connect, or bare `node:http`) middleware: `req.user` holds the verified claims, or the
 * request is answered with the Nest guard's 401/403/503.
 *
 * @example
 * app.get('/reports', expressAccessToken(verifier, { roles: ['admin'] }), (req, res) => res.json(req.user));
 */
export function expressAccessToken(verifier: TokenVerifier, rules?: AccessRules) {
  return (request: IncomingMessage, response: ServerResponse, next: Next): void => {
    verifier.verifyRequest(request, rules).then((outcome) => {
      if (outcome.refusal) return writeRefusal(response, outcome.refusal);
      // `user`, as Passport and the Nest guard name it.
      Object.assign(request, { user: outcome.claims satisfies AccessTokenClaims });
      next();
    }, next);
  };
}
