import type { ActorClaim } from '@app/contract';
import { accessShortfall, DelegationRule } from './access-rules';

const claims = (act?: ActorClaim) => ({ roles: ['user'], scope: 'invoices:read', act });
const direct = claims();
const byOrders = claims({ sub: 'orders-api' });
// The current actor is reporting-api; orders-api acted before it and is informational only (RFC 8693 §4.1).
const byReportingAfterOrders = claims({ sub: 'reporting-api', act: { sub: 'orders-api' } });

describe('@Delegation rules', () => {
  const table: [string, DelegationRule, typeof direct, boolean][] = [
    ['require: a direct call', { require: true }, direct, false],
    ['require: a delegated call', { require: true }, byOrders, true],
    ['forbid: a direct call', { forbid: true }, direct, true],
    ['forbid: a delegated call', { forbid: true }, byOrders, false],
    ['actors: a direct call', { actors: ['orders-api'] }, direct, true],
    ['actors: a listed actor', { actors: ['orders-api'] }, byOrders, true],
    ['actors: an unlisted actor', { actors: ['reporting-api'] }, byOrders, false],
    ['actors: an empty list', { actors: [] }, byOrders, false],
    ['actors: only the current actor counts', { actors: ['orders-api'] }, byReportingAfterOrders, false],
    ['require + actors: a listed actor', { require: true, actors: ['reporting-api'] }, byReportingAfterOrders, true],
  ];
  it.each(table)('%s', (_name, rule, token, allowed) => {
    expect(accessShortfall(token, undefined, undefined, rule)).toEqual(allowed ? undefined : { code: 'ERR_DELEGATION_REFUSED' });
  });

  it('roles and scopes are checked first', () => {
    expect(accessShortfall(byOrders, ['admin'], undefined, { forbid: true })).toEqual({ code: 'ERR_INSUFFICIENT_ROLE' });
  });
});
