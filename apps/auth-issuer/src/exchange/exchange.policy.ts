import { type AccessTokenClaims, type ActorClaim, actorChain } from '@app/contract';
import { isReservedAudience } from '../clients/client.rules';
import { IssuerError } from '../errors/issuer.error';

/** What registration allows the acting client (clients:create --exchange-audiences / --exchange-scopes). */
export interface ActingClient {
  clientId: string;
  exchangeAudiences: readonly string[];
  exchangeScopes: readonly string[];
}

export interface ExchangeRequest {
  /** The one target service. */
  audience: string;
  /** Parsed `scope` parameter; undefined when none was sent. */
  scope?: readonly string[];
}

export interface ExchangeRules {
  maxChainDepth: number;
  /** The issuer's own audiences: never a target. */
  reservedAudiences: readonly string[];
}

/** The token to mint: the subject's user and session, the target alone, the new actor chain. */
export interface ExchangeDecision {
  sub: string;
  roles: string[];
  audience: string;
  scope: string;
  sid: string;
  act: ActorClaim;
  /** The subject token's `exp`: the exchanged token ends no later. */
  expiresAtMost: number;
}

/**
 * RFC 8693 policy as a pure function over a verified, unrevoked subject token. Codes follow §2.2.2: a subject
 * token unacceptable by policy is `invalid_request`, a target refused is `invalid_target`; RFC 6749 §5.2 for the rest.
 */
export function decideExchange(subject: AccessTokenClaims, client: ActingClient, request: ExchangeRequest, rules: ExchangeRules): ExchangeDecision {
  if (client.exchangeAudiences.length === 0) throw new IssuerError('unauthorized_client', 'this client may not exchange tokens');
  // Only a session's tokens: logging the session out must end what is derived from them.
  if (typeof subject.sid !== 'string') throw new IssuerError('invalid_request', 'subject_token belongs to no user session');
  // A service exchanges only tokens sent to it: a token it merely saw pass by is not its to spend.
  const audiences = typeof subject.aud === 'string' ? [subject.aud] : subject.aud;
  if (!audiences.includes(client.clientId)) throw new IssuerError('invalid_request', 'subject_token was not issued to this client');
  const chain = actorChain(subject);
  if (chain.length + 1 > rules.maxChainDepth) throw new IssuerError('invalid_request', 'subject_token is already at the maximum delegation depth');
  if (!client.exchangeAudiences.includes(request.audience) || isReservedAudience(request.audience, rules.reservedAudiences)) {
    throw new IssuerError('invalid_target', 'this client may not exchange toward that audience');
  }
  return {
    sub: subject.sub,
    roles: subject.roles,
    audience: request.audience,
    scope: narrowedScope(subject.scope, client.exchangeScopes, request.scope),
    sid: subject.sid,
    // Rebuilt from the chain's subjects only: nothing else a prior actor carried is copied forward.
    act: [client.clientId, ...chain].reduceRight<ActorClaim | undefined>((prior, sub) => (prior ? { sub, act: prior } : { sub }), undefined)!,
    expiresAtMost: subject.exp,
  };
}

/** Scopes only narrow: requested ⊆ subject ∩ policy; none requested means that whole intersection. */
function narrowedScope(subjectScope: string, allowed: readonly string[], requested: readonly string[] | undefined): string {
  const held = new Set(subjectScope.split(' ').filter(Boolean));
  const grantable = [...held].filter((scope) => allowed.includes(scope));
  if (requested === undefined) return grantable.join(' ');
  if (!requested.every((scope) => grantable.includes(scope)))
    throw new IssuerError('invalid_scope', 'requested scope exceeds the subject token or this client');
  return requested.join(' ');
}
