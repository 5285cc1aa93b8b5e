import type { AccessTokenClaims } from '@app/contract';

export type AccessShortfall = { code: 'ERR_INSUFFICIENT_ROLE' } | { code: 'ERR_INSUFFICIENT_SCOPE'; scope: string };

/** `@Roles`: any one of them; `@Scopes`: all of them. Undefined when the claims suffice. */
export function accessShortfall(claims: Pick<AccessTokenClaims, 'roles' | 'scope'>, roles?: string[], scopes?: string[]): AccessShortfall | undefined {
  if (roles?.length && !roles.some((role) => claims.roles.includes(role))) return { code: 'ERR_INSUFFICIENT_ROLE' };
  const granted = new Set(claims.scope.split(' '));
  if (scopes?.length && !scopes.every((scope) => granted.has(scope))) return { code: 'ERR_INSUFFICIENT_SCOPE', scope: scopes.join(' ') };
  return undefined;
}
