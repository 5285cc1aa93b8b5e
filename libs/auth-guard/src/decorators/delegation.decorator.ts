import { SetMetadata } from '@nestjs/common';
import type { DelegationRule } from '../guard/access-rules';
import { DELEGATION_RULE } from './metadata.keys';

/**
 * Who may call on a user's behalf (RFC 8693 token exchange): `require` only delegated tokens, `forbid` them,
 * or allow-list the acting services. Otherwise 403 insufficient_scope.
 *
 * @example
 * @Delegation({ require: true, actors: ['orders-api'] })
 */
export const Delegation = (rule: DelegationRule) => SetMetadata(DELEGATION_RULE, { ...rule, actors: rule.actors && [...rule.actors] });
