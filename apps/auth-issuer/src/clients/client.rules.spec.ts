import { issuerOwnAudiences } from '@app/contract';
import { issuerErrorCodeOf } from '../../../../test/support/issuer-error-code';
import { assertValidNewClient, isValidClientId, NewClient, parseScopeParameter } from './client.rules';

const valid = { clientId: 'orders-to-billing', secret: 's'.repeat(32), scopes: ['invoices:read'], audiences: ['billing-api'] };
const codeOf = (run: () => unknown) => issuerErrorCodeOf(run);

describe('client rules', () => {
  it.each([
    ['orders-to-billing', true],
    ['svc.v2_x', true],
    ['-leading-dash', false],
    ['has space', false],
    ['a'.repeat(65), false],
    ['0b7f2a0e-5b7e-4c1a-9d55-3f6f0d1d2c3b', false],
    ['first-party', false],
  ])('client id %s valid: %s', (id, ok) => expect(isValidClientId(id)).toBe(ok));

  it.each([
    ['accepted', {}, 'ok'],
    ['short secret', { secret: 'short' }, 'invalid_request'],
    ['huge secret', { secret: 'x'.repeat(2000) }, 'invalid_request'],
    ['bad scope', { scopes: ['a b'] }, 'invalid_request'],
    ['no audience', { audiences: [] }, 'invalid_request'],
    ['audience with space', { audiences: ['a b'] }, 'invalid_request'],
    ['the reserved first-party id', { clientId: 'first-party' }, 'invalid_request'],
    ['the issuer itself as audience', { audiences: ['https://auth.example.com'] }, 'invalid_request'],
    ['the issuer with a trailing slash', { audiences: ['billing-api', 'https://auth.example.com/'] }, 'invalid_request'],
    ['the admin audience', { audiences: ['https://auth.example.com/admin'] }, 'invalid_request'],
    ['a public code-flow client', { type: 'public', secret: undefined, redirectUris: ['http://127.0.0.1:4180/callback'] }, 'ok'],
    ['a public client with a secret', { type: 'public', redirectUris: ['http://127.0.0.1:4180/callback'] }, 'invalid_request'],
    ['a public client without redirect URIs', { type: 'public', secret: undefined }, 'invalid_request'],
    ['a confidential client without a secret', { secret: undefined }, 'invalid_request'],
    ['an unknown type', { type: 'hybrid' }, 'invalid_request'],
    ['a wildcard redirect URI', { redirectUris: ['https://*.example.com/cb'] }, 'invalid_request'],
    ['a redirect URI with a fragment', { redirectUris: ['https://app.example.com/cb#x'] }, 'invalid_request'],
    ['plain http off loopback', { redirectUris: ['http://app.example.com/cb'] }, 'invalid_request'],
    ['a bad post-logout URI', { postLogoutRedirectUris: ['javascript:alert(1)'] }, 'invalid_request'],
  ])('registration: %s', (_name, override, code) => {
    expect(codeOf(() => assertValidNewClient({ ...valid, ...override } as NewClient, issuerOwnAudiences('https://auth.example.com')))).toBe(code);
  });

  it('parses a scope parameter as a set and refuses invalid scope-tokens', () => {
    expect(parseScopeParameter('a  b a')).toEqual(['a', 'b']);
    expect(codeOf(() => parseScopeParameter('a "b"'))).toBe('invalid_scope');
  });
});
