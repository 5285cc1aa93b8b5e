import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeIssuer } from '@app/auth-guard/testing';
import { TokenExchangeClient, TokenExchangeOptions } from './token-exchange.client';
import { TokenExchangeError } from './token-exchange.error';

const SUBJECT = 'user-token-a';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof TokenExchangeError) return error.code;
    throw error;
  }
}

// The issuer's token endpoint is a tiny local HTTP server: the client is tested over real HTTP.
describe('TokenExchangeClient', () => {
  let issuer: FakeIssuer;
  let clock: number;
  let issued: number;
  let seen: { authorization?: string; form: URLSearchParams }[];
  let answer: ((form: URLSearchParams) => { status: number; body: unknown }) | undefined;

  const client = (options: Partial<TokenExchangeOptions> = {}) =>
    new TokenExchangeClient({ issuer: issuer.url, clientId: 'orders-api', clientSecret: 'orders-api-secret', now: () => clock, ...options });

  beforeEach(async () => {
    issuer = await FakeIssuer.start();
    clock = 1_000_000;
    issued = 0;
    seen = [];
    answer = undefined;
    issuer.tokenEndpoint = async ({ headers, form }) => {
      seen.push({ authorization: headers.authorization, form });
      await new Promise((resolve) => setTimeout(resolve, 20));
      return (
        answer?.(form) ?? {
          status: 200,
          body: {
            access_token: `exchanged-${++issued}`,
            issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
            token_type: 'Bearer',
            expires_in: 120,
          },
        }
      );
    };
  });
  afterEach(() => issuer.stop());

  it('sends an RFC 8693 request with client_secret_basic, found by discovery', async () => {
    expect(await client().exchange(SUBJECT, { audience: 'billing-api', scope: 'invoices:read' })).toBe('exchanged-1');
    expect(Object.fromEntries(seen[0].form)).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: SUBJECT,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      audience: 'billing-api',
      scope: 'invoices:read',
    });
    expect(Buffer.from(seen[0].authorization!.replace(/^Basic /, ''), 'base64').toString()).toBe('orders-api:orders-api-secret');
  });

  it('caches per subject token, audience and scope, with one request per key however many wait', async () => {
    const exchanges = client();
    const same = await Promise.all(Array.from({ length: 20 }, () => exchanges.exchange(SUBJECT, { audience: 'billing-api' })));
    expect(new Set(same)).toEqual(new Set(['exchanged-1']));
    expect(await exchanges.exchange('user-token-b', { audience: 'billing-api' })).toBe('exchanged-2');
    expect(await exchanges.exchange(SUBJECT, { audience: 'payments-api' })).toBe('exchanged-3');
    expect(await exchanges.exchange(SUBJECT, { audience: 'billing-api', scope: 'invoices:read' })).toBe('exchanged-4');
    expect(await exchanges.exchange(SUBJECT, { audience: 'billing-api' })).toBe('exchanged-1');
    expect(exchanges.requestCount).toBe(4);
  });

  it('exchanges again shortly before expiry, and at once after invalidate()', async () => {
    const exchanges = client({ refreshBeforeExpirySeconds: 30 });
    await exchanges.exchange(SUBJECT, { audience: 'billing-api' });
    clock += 89_000;
    expect(await exchanges.exchange(SUBJECT, { audience: 'billing-api' })).toBe('exchanged-1');
    clock += 2_000;
    expect(await exchanges.exchange(SUBJECT, { audience: 'billing-api' })).toBe('exchanged-2');
    exchanges.invalidate(SUBJECT, { audience: 'billing-api' });
    expect(await exchanges.exchange(SUBJECT, { audience: 'billing-api' })).toBe('exchanged-3');
  });

  it('keeps at most maxCachedTokens, dropping the oldest', async () => {
    const exchanges = client({ maxCachedTokens: 2 });
    for (const subject of ['a', 'b', 'c']) await exchanges.exchange(subject, { audience: 'billing-api' });
    expect(await exchanges.exchange('c', { audience: 'billing-api' })).toBe('exchanged-3');
    expect(await exchanges.exchange('a', { audience: 'billing-api' })).toBe('exchanged-4');
  });

  it('reports a refusal with its RFC error code and forgets the cached token', async () => {
    const exchanges = client({ refreshBeforeExpirySeconds: 30 });
    await exchanges.exchange(SUBJECT, { audience: 'billing-api' });
    answer = () => ({ status: 400, body: { error: 'invalid_request' } });
    clock += 100_000;
    const error = await exchanges.exchange(SUBJECT, { audience: 'billing-api' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_TOKEN_REQUEST_REFUSED', refusal: { status: 400, error: 'invalid_request' } });
  });

  const invalid: [string, unknown][] = [
    ['no issued_token_type', { access_token: 't', token_type: 'Bearer', expires_in: 60 }],
    ['another issued_token_type', { access_token: 't', token_type: 'Bearer', expires_in: 60, issued_token_type: 'urn:ietf:params:oauth:token-type:jwt' }],
    ['no access_token', { token_type: 'Bearer', expires_in: 60, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' }],
    ['expires_in zero', { access_token: 't', token_type: 'Bearer', expires_in: 0, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' }],
    ['a JSON array', [1]],
  ];
  it.each(invalid)('refuses a response with %s', async (_name, body) => {
    answer = () => ({ status: 200, body });
    expect(await codeOf(client().exchange(SUBJECT, { audience: 'billing-api' }))).toBe('ERR_TOKEN_RESPONSE_INVALID');
  });

  it('reports discovery failure when the issuer is down', async () => {
    await issuer.goDown();
    expect(await codeOf(client().exchange(SUBJECT, { audience: 'billing-api' }))).toBe('ERR_DISCOVERY_FAILED');
  });

  describe('call()', () => {
    let target: Server;
    let targetUrl: string;
    let authorizations: string[];
    let refuseFirst: boolean;

    beforeEach(async () => {
      authorizations = [];
      refuseFirst = false;
      target = createServer((request, response) => {
        authorizations.push(request.headers.authorization ?? '');
        const refuse = refuseFirst && authorizations.length === 1;
        response.writeHead(refuse ? 401 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: !refuse }));
      });
      await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
      targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/invoices`;
    });
    afterEach(() => new Promise((resolve) => target.close(resolve)));

    it('calls the target with the exchanged token', async () => {
      const response = await client().call(SUBJECT, { audience: 'billing-api' }, targetUrl);
      expect(response.status).toBe(200);
      expect(authorizations).toEqual(['Bearer exchanged-1']);
    });

    it('after a 401 exchanges once more and repeats the call once', async () => {
      refuseFirst = true;
      const response = await client().call(SUBJECT, { audience: 'billing-api' }, targetUrl);
      expect(response.status).toBe(200);
      expect(authorizations).toEqual(['Bearer exchanged-1', 'Bearer exchanged-2']);
    });
  });
});
