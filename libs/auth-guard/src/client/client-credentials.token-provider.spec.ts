import { FakeIssuer } from '@app/auth-guard/testing';
import { ClientCredentialsError, ClientCredentialsFailure } from './client-credentials.error';
import { ClientCredentialsOptions, ClientCredentialsTokenProvider } from './client-credentials.token-provider';

async function codeOf(promise: Promise<unknown>): Promise<ClientCredentialsFailure | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof ClientCredentialsError) return error.code;
    throw error;
  }
}

// The issuer's token endpoint is a tiny local HTTP server here: the provider is tested over real HTTP.
describe('ClientCredentialsTokenProvider', () => {
  let issuer: FakeIssuer;
  let clock: number;
  let issued: number;
  let seen: { authorization?: string; form: URLSearchParams }[];
  let answer: (() => { status: number; body: unknown }) | undefined;

  const provider = (options: Partial<ClientCredentialsOptions> = {}) =>
    new ClientCredentialsTokenProvider({ issuer: issuer.url, clientId: 'orders-api', clientSecret: 's3cret', now: () => clock, ...options });

  beforeEach(async () => {
    issuer = await FakeIssuer.start();
    clock = 1_000_000;
    issued = 0;
    seen = [];
    answer = undefined;
    issuer.tokenEndpoint = async ({ headers, form }) => {
      seen.push({ authorization: headers.authorization, form });
      await new Promise((resolve) => setTimeout(resolve, 20));
      return answer?.() ?? { status: 200, body: { access_token: `token-${++issued}`, token_type: 'Bearer', expires_in: 120 } };
    };
  });
  afterEach(() => issuer.stop());

  it('finds the token endpoint by discovery and authenticates with client_secret_basic', async () => {
    const tokens = provider({ scope: 'billing:read', parameters: { resource: 'billing-api' } });
    expect(await tokens.getToken()).toBe('token-1');
    expect(await tokens.authorizationHeader()).toBe('Bearer token-1');
    expect(seen).toHaveLength(1);
    expect(Object.fromEntries(seen[0].form)).toEqual({ grant_type: 'client_credentials', scope: 'billing:read', resource: 'billing-api' });
    expect(Buffer.from(seen[0].authorization!.replace(/^Basic /, ''), 'base64').toString()).toBe('orders-api:s3cret');
    expect(issuer.discoveryFetches).toBe(1);
  });

  it('form-encodes the credentials in the Basic header (RFC 6749 §2.3.1) and can post them instead', async () => {
    await provider({ clientId: 'svc a', clientSecret: 'p:w&d' }).getToken();
    expect(Buffer.from(seen[0].authorization!.slice(6), 'base64').toString()).toBe('svc+a:p%3Aw%26d');
    await provider({ authMethod: 'client_secret_post' }).getToken();
    expect(seen[1].authorization).toBeUndefined();
    expect(seen[1].form.get('client_id')).toBe('orders-api');
    expect(seen[1].form.get('client_secret')).toBe('s3cret');
  });

  it('sends one request however many callers wait, and serves the cached token afterwards', async () => {
    const tokens = provider();
    const results = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken()));
    expect(new Set(results)).toEqual(new Set(['token-1']));
    clock += 59_000;
    expect(await tokens.getToken()).toBe('token-1');
    expect(issuer.tokenRequests).toBe(1);
  });

  it('fetches a new token before the old one expires', async () => {
    const tokens = provider({ refreshBeforeExpirySeconds: 30 });
    await tokens.getToken();
    clock += 89_000;
    expect(await tokens.getToken()).toBe('token-1');
    clock += 2_000;
    expect(await tokens.getToken()).toBe('token-2');
  });

  it('never waits past half the lifetime to refresh a short-lived token', async () => {
    answer = () => ({ status: 200, body: { access_token: `short-${++issued}`, token_type: 'bearer', expires_in: 20 } });
    const tokens = provider({ refreshBeforeExpirySeconds: 60 });
    expect(await tokens.getToken()).toBe('short-1');
    clock += 9_000;
    expect(await tokens.getToken()).toBe('short-1');
    clock += 2_000;
    expect(await tokens.getToken()).toBe('short-2');
  });

  it('keeps using a still-valid token when the refresh fails, and fails once it has expired', async () => {
    const tokens = provider();
    await tokens.getToken();
    await issuer.goDown();
    clock += 90_000;
    expect(await tokens.getToken()).toBe('token-1');
    clock += 30_000;
    expect(await codeOf(tokens.getToken())).toBe('ERR_TOKEN_ENDPOINT_UNREACHABLE');
  });

  it('invalidate() forces a new token', async () => {
    const tokens = provider();
    await tokens.getToken();
    tokens.invalidate();
    expect(await tokens.getToken()).toBe('token-2');
  });

  it('reports a refusal with the RFC 6749 error code', async () => {
    answer = () => ({ status: 401, body: { error: 'invalid_client' } });
    const error = await provider()
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientCredentialsError);
    expect((error as ClientCredentialsError).code).toBe('ERR_TOKEN_REQUEST_REFUSED');
    expect((error as ClientCredentialsError).refusal).toEqual({ status: 401, error: 'invalid_client' });
  });

  const invalid: [string, unknown][] = [
    ['no access_token', { token_type: 'Bearer', expires_in: 60 }],
    ['a non-Bearer token_type', { access_token: 't', token_type: 'mac', expires_in: 60 }],
    ['no expires_in', { access_token: 't', token_type: 'Bearer' }],
    ['expires_in zero', { access_token: 't', token_type: 'Bearer', expires_in: 0 }],
    ['expires_in a string', { access_token: 't', token_type: 'Bearer', expires_in: '60' }],
    ['a JSON array', [1]],
  ];
  it.each(invalid)('refuses a response with %s', async (_name, body) => {
    answer = () => ({ status: 200, body });
    expect(await codeOf(provider().getToken())).toBe('ERR_TOKEN_RESPONSE_INVALID');
  });

  it('reports discovery failure when the issuer is down and no token endpoint is configured', async () => {
    await issuer.goDown();
    expect(await codeOf(provider().getToken())).toBe('ERR_DISCOVERY_FAILED');
  });

  it('gives up on a hanging token endpoint within its deadline', async () => {
    issuer.tokenEndpoint = () => new Promise(() => undefined);
    expect(await codeOf(provider({ tokenEndpoint: `${issuer.url}/oauth/token`, timeoutMs: 200 }).getToken())).toBe('ERR_TOKEN_ENDPOINT_UNREACHABLE');
  });
});
