import type { ClientEntity } from '../../clients/client.entity';
import { requestedClientId, validateAuthorizationRequest } from './authorization-request';

const client = {
  clientId: 'app',
  disabled: false,
  redirectUris: ['https://app.example.com/cb'],
  allowedScopes: ['orders:read'],
  allowedAudiences: ['orders-api'],
  firstParty: true,
} as ClientEntity;
const valid = {
  client_id: 'app',
  redirect_uri: 'https://app.example.com/cb',
  response_type: 'code',
  scope: 'openid profile',
  state: 's',
  code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  code_challenge_method: 'S256',
};
const outcome = (override: Record<string, unknown>, registered: ClientEntity | undefined = client) => {
  const result = validateAuthorizationRequest({ ...valid, ...override }, registered);
  return result.kind === 'redirect' ? result.error.error : result.kind;
};

describe('authorization request validation', () => {
  it.each([
    ['a valid request', {}, 'ok'],
    ['a registered extra scope', { scope: 'openid orders:read' }, 'ok'],
    ['prompt=login consent', { prompt: 'login consent' }, 'ok'],
    ['max_age=0', { max_age: '0' }, 'ok'],
    ['an unregistered redirect URI', { redirect_uri: 'https://evil.example/cb' }, 'page'],
    ['no redirect URI', { redirect_uri: undefined }, 'page'],
    ['a repeated redirect URI', { redirect_uri: ['https://app.example.com/cb', 'https://app.example.com/cb'] }, 'page'],
    ['a repeated state', { state: ['a', 'b'] }, 'invalid_request'],
    ['plain PKCE', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['no code_challenge_method', { code_challenge_method: undefined }, 'invalid_request'],
    ['no PKCE', { code_challenge: undefined }, 'invalid_request'],
    ['response_type=code id_token', { response_type: 'code id_token' }, 'unsupported_response_type'],
    ['no response_type', { response_type: undefined }, 'invalid_request'],
    ['response_mode=form_post', { response_mode: 'form_post' }, 'invalid_request'],
    ['without openid', { scope: 'profile' }, 'invalid_scope'],
    ['an unknown scope', { scope: 'openid admin' }, 'invalid_scope'],
    ['a malformed scope', { scope: 'openid "x"' }, 'invalid_scope'],
    ['prompt=none login', { prompt: 'none login' }, 'invalid_request'],
    ['an unknown prompt', { prompt: 'sometimes' }, 'invalid_request'],
    ['max_age=1.5', { max_age: '1.5' }, 'invalid_request'],
    ['a request object', { request: 'x' }, 'request_not_supported'],
    ['a request_uri', { request_uri: 'https://x' }, 'request_uri_not_supported'],
    ['a resource among its audiences', { resource: 'orders-api' }, 'ok'],
    ['a resource it does not hold', { resource: 'http://issuer.example/admin' }, 'invalid_target'],
    ['a repeated resource', { resource: ['orders-api', 'orders-api'] }, 'invalid_request'],
    ['a huge state', { state: 'x'.repeat(5000) }, 'invalid_request'],
  ])('%s: %s', (_name, override, expected) => expect(outcome(override)).toBe(expected));

  it('an unknown or disabled client, or one without redirect URIs, is a page', () => {
    expect(validateAuthorizationRequest(valid, undefined).kind).toBe('page');
    expect(outcome({}, { ...client, disabled: true })).toBe('page');
    expect(outcome({}, { ...client, redirectUris: [] })).toBe('page');
  });

  it('reads the client id only when it is one value of the right shape', () => {
    expect(requestedClientId({ client_id: 'app' })).toBe('app');
    expect(requestedClientId({ client_id: ['app', 'app'] })).toBeNull();
    expect(requestedClientId({ client_id: 'a b' })).toBeNull();
    expect(requestedClientId({})).toBeNull();
  });
});
