import type { AccessTokenClaims } from '@app/contract';
import { issuerErrorCodeOf } from '../../../../test/support/issuer-error-code';
import { ActingClient, decideExchange, ExchangeRequest } from './exchange.policy';

const subject = (overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims => ({
  iss: 'https://auth.example.com',
  sub: 'user-1',
  aud: ['orders-api', 'billing-api'],
  exp: 2_000,
  iat: 1_100,
  jti: 'j1',
  roles: ['user'],
  scope: 'invoices:read orders:read',
  client_id: 'first-party',
  sid: 'session-1',
  ...overrides,
});
const client: ActingClient = { clientId: 'orders-api', exchangeAudiences: ['billing-api'], exchangeScopes: ['invoices:read'] };
const rules = { maxChainDepth: 2, reservedAudiences: ['https://auth.example.com', 'https://auth.example.com/admin'] };
const request: ExchangeRequest = { audience: 'billing-api' };

describe('token exchange policy', () => {
  it('keeps the user and session, names the target alone, adds the actor and caps exp', () => {
    expect(decideExchange(subject(), client, request, rules)).toEqual({
      sub: 'user-1',
      roles: ['user'],
      audience: 'billing-api',
      scope: 'invoices:read',
      sid: 'session-1',
      act: { sub: 'orders-api' },
      expiresAtMost: 2_000,
    });
  });

  it('nests the prior actor (RFC 8693 §4.1) and drops anything else it carried', () => {
    const hop = decideExchange(
      subject({ aud: 'billing-api', act: { sub: 'orders-api', extra: 'x' } as never }),
      { ...client, clientId: 'billing-api', exchangeAudiences: ['payments-api'] },
      { audience: 'payments-api' },
      rules,
    );
    expect(hop.act).toEqual({ sub: 'billing-api', act: { sub: 'orders-api' } });
  });

  it('narrows a requested scope', () => {
    expect(
      decideExchange(subject(), { ...client, exchangeScopes: ['invoices:read', 'orders:read'] }, { ...request, scope: ['orders:read'] }, rules).scope,
    ).toBe('orders:read');
    expect(decideExchange(subject({ scope: '' }), client, request, rules).scope).toBe('');
  });

  const refused: [string, () => unknown, string][] = [
    ['a client without exchange policy', () => decideExchange(subject(), { ...client, exchangeAudiences: [] }, request, rules), 'unauthorized_client'],
    ['a token of no session (client credentials)', () => decideExchange(subject({ sid: undefined }), client, request, rules), 'invalid_request'],
    ['a token not sent to the acting client', () => decideExchange(subject({ aud: 'billing-api' }), client, request, rules), 'invalid_request'],
    ['a chain at the maximum depth', () => decideExchange(subject({ act: { sub: 'a', act: { sub: 'b' } } }), client, request, rules), 'invalid_request'],
    ['one hop past depth 1', () => decideExchange(subject({ act: { sub: 'a' } }), client, request, { ...rules, maxChainDepth: 1 }), 'invalid_request'],
    ['an audience outside the policy', () => decideExchange(subject(), client, { audience: 'orders-api' }, rules), 'invalid_target'],
    [
      'the issuer as audience',
      () =>
        decideExchange(subject(), { ...client, exchangeAudiences: ['https://auth.example.com/admin'] }, { audience: 'https://auth.example.com/admin/' }, rules),
      'invalid_target',
    ],
    [
      'a scope the subject lacks',
      () => decideExchange(subject({ scope: 'orders:read' }), client, { ...request, scope: ['invoices:read'] }, rules),
      'invalid_scope',
    ],
    ['a scope the policy lacks', () => decideExchange(subject(), client, { ...request, scope: ['orders:read'] }, rules), 'invalid_scope'],
  ];
  it.each(refused)('refuses %s', (_name, run, code) => {
    expect(issuerErrorCodeOf(run)).toBe(code);
  });
});
