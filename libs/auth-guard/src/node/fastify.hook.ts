import type { AccessTokenClaims } from '@app/contract';
import type { TokenBearingRequest } from '../http/request-token';
import type { AccessRules, TokenVerifier } from './token-verifier';

/** What the hook needs of a Fastify reply (structural, so this file loads without Fastify). */
interface ReplyLike {
  code(status: number): ReplyLike;
  headers(values: Record<string, string>): ReplyLike;
  send(body: unknown): unknown;
}

/**
 * Fastify `onRequest`/`preHandler` hook: `request.user` holds the verified claims, or the reply is the
 * Nest guard's 401/403/503.
 *
 * @example
 * app.get('/reports', { onRequest: fastifyAccessToken(verifier, { scopes: ['reports:read'] }) }, (request) => request.user);
 */
export function fastifyAccessToken(verifier: TokenVerifier, rules?: AccessRules) {
  return async (request: TokenBearingRequest, reply: ReplyLike): Promise<ReplyLike | undefined> => {
    const outcome = await verifier.verifyRequest(request, rules);
    if (outcome.refusal) {
      reply.code(outcome.refusal.status).headers(outcome.refusal.headers).send(outcome.refusal.body);
      // An async hook that has answered returns the reply, so Fastify stops there.
      return reply;
    }
    // `user`, as Passport and the Nest guard name it.
    Object.assign(request, { user: outcome.claims satisfies AccessTokenClaims });
    return undefined;
  };
}
