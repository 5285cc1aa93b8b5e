import { createServer, Server } from 'node:http';
import { FakeIssuer, LocalKey } from '@app/auth-guard/testing';
import { JwksHttpClient } from './jwks.client';

describe('JwksHttpClient', () => {
  const key = LocalKey.generate('RS256', 'k1');
  let issuer: FakeIssuer;

  beforeEach(async () => {
    issuer = await FakeIssuer.start(key);
  });
  afterEach(() => issuer.stop());

  it('finds the JWKS through discovery once, then sends conditional requests', async () => {
    const client = new JwksHttpClient({ issuer: issuer.url, timeoutMs: 1000 });
    const first = await client.fetch();
    expect(first.modified && [...first.keys.keys()]).toEqual(['k1']);
    const etag = first.modified ? first.etag : undefined;
    expect(etag).toBeDefined();
    expect(await client.fetch(etag)).toEqual({ modified: false });
    expect(issuer.discoveryFetches).toBe(1);
    expect(issuer.jwksFetches).toBe(2);
  });

  it('uses a configured JWKS URL without discovery', async () => {
    const client = new JwksHttpClient({ issuer: 'https://elsewhere.test', jwksUrl: issuer.jwksUrl, timeoutMs: 1000 });
    expect((await client.fetch()).modified).toBe(true);
    expect(issuer.discoveryFetches).toBe(0);
  });

  it('refuses a discovery document that names another issuer', async () => {
    const client = new JwksHttpClient({ issuer: issuer.url.replace('127.0.0.1', 'localhost'), timeoutMs: 1000 });
    await expect(client.fetch()).rejects.toMatchObject({ code: 'ERR_DISCOVERY_ISSUER_MISMATCH' });
  });

  it('fails on an error status, on garbage, and when the issuer is down', async () => {
    const client = new JwksHttpClient({ issuer: issuer.url, jwksUrl: issuer.jwksUrl, timeoutMs: 1000 });
    issuer.mode = 'error';
    await expect(client.fetch()).rejects.toMatchObject({ code: 'ERR_JWKS_STATUS' });
    issuer.mode = 'up';
    issuer.rawJwks = '<html>';
    await expect(client.fetch()).rejects.toMatchObject({ code: 'ERR_JWKS_MALFORMED' });
    await issuer.goDown();
    await expect(client.fetch()).rejects.toMatchObject({ code: 'ERR_ISSUER_UNREACHABLE' });
  });

  it('gives up on a hanging issuer within the deadline', async () => {
    issuer.mode = 'hang';
    const client = new JwksHttpClient({ issuer: issuer.url, timeoutMs: 300 });
    const started = Date.now();
    await expect(client.fetch()).rejects.toMatchObject({ code: 'ERR_ISSUER_UNREACHABLE' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  describe('against a hostile server', () => {
    let server: Server;
    let url: string;
    beforeEach(async () => {
      server = createServer((request, response) => {
        if (request.url === '/redirect') return void response.writeHead(302, { location: issuer.jwksUrl }).end();
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(`{"keys":[${'"x",'.repeat(100_000)}"x"]}`);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    afterEach(() => new Promise((resolve) => server.close(resolve)));

    it('does not follow redirects', async () => {
      await expect(new JwksHttpClient({ issuer: url, jwksUrl: `${url}/redirect`, timeoutMs: 1000 }).fetch()).rejects.toMatchObject({
        code: 'ERR_ISSUER_UNREACHABLE',
      });
    });

    it('stops reading an oversized body', async () => {
      await expect(new JwksHttpClient({ issuer: url, jwksUrl: `${url}/big`, timeoutMs: 1000 }).fetch()).rejects.toMatchObject({
        code: 'ERR_ISSUER_BODY_TOO_LARGE',
      });
    });
  });
});
