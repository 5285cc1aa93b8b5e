import type { AccessTokenClaims } from '@app/contract';

export type AccessShortfall = { code: 'ERR_INSUFFICIENT_ROLE' } | { code: 'ERR_INSUFFICIENT_SCOPE'; scope: string } | { code: 'ERR_DELEGATION_REFUSED' };

/** A route's rule on tokens exchanged for a user by another service (RFC 8693 `act`); see `@Delegation`. */
export interface DelegationRule {
  /** Only tokens a service obtained on a user's behalf. */
  require?: boolean;
  /** Only the user's own tokens: nobody acting for them. */
  forbid?: boolean;
  /** When a service acts, it must be one of these (the current actor, `act.sub`). */
  actors?: readonly string[];
}

/** `@Roles`: any one of them; `@Scopes`: all of them; then `@Delegation`. Undefined when the claims suffice. */
export function accessShortfall(
  claims: Pick<AccessTokenClaims, 'roles' | 'scope' | 'act'>,
  roles?: string[],
  scopes?: string[],
  delegation?: DelegationRule,
): AccessShortfall | undefined {
  if (roles?.length && !roles.some((role) => claims.roles.includes(role))) return { code: 'ERR_INSUFFICIENT_ROLE' };
  if (scopes?.length && !hasEveryScope(claims.scope, scopes)) return { code: 'ERR_INSUFFICIENT_SCOPE', scope: scopes.join(' ') };
  if (delegation && !delegationAllowed(claims.act?.sub, delegation)) return { code: 'ERR_DELEGATION_REFUSED' };
  return undefined;
}

function hasEveryScope(granted: string, wanted: string[]): boolean {
  const scopes = new Set(granted.split(' '));
  return wanted.every((scope) => scopes.has(scope));
}

/**
 * RFC 8693 §4.1: access decisions consider only the current actor; prior actors (nested `act`) are
 * informational, so the allow-list is matched against `act.sub` alone.
 */
function delegationAllowed(actor: string | undefined, rule: DelegationRule): boolean {
  if (actor === undefined) return !rule.require;
  if (rule.forbid) return false;
  return rule.actors === undefined || rule.actors.includes(actor);
}
