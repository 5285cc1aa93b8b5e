import { REVOCATION_TTL_MARGIN_SECONDS, redisKeys } from '@app/contract';
import Redis from 'ioredis';
import { call, decodeJwt, HttpResult, login } from '../support/http';
import { basic, createClient } from '../support/oauth-clients';
import { startTestSystem, TestSystem } from '../support/test-system';
import { TokenForge } from '../support/token-forge';

/** POST /oauth/revoke (RFC 7009) and POST /oauth/introspect (RFC 7662). */
describe('OAuth revocation and introspection', () => {
  let system: TestSystem;
  let forge: TokenForge;
  let redis: Redis;
  let billing: { id: string; secret: string };
  let orders: { id: string; secret: string };

  beforeAll(async () => {
    system = await startTestSystem();
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
    redis = new Redis(system.redisUrl);
    billing = await createClient(system.databaseUrl, 'billing-caller', 'invoices:read', 'billing-api');
    orders = await createClient(system.databaseUrl, 'orders-caller', 'orders:read', 'orders-api');
  });
  afterAll(async () => {
    redis?.disconnect();
    await system?.stop();
  });

  const revoke = (form: Record<string, string>, headers: Record<string, string> = {}) => call('POST', `${system.issuerUrl}/oauth/revoke`, { form, headers });
  const introspect = (token: string, headers: Record<string, string> = basic(billing.id, billing.secret)) =>
    call('POST', `${system.issuerUrl}/oauth/introspect`, { form: { token }, headers });
  const clientToken = async (client: { id: string; secret: string }) =>
    (await call('POST', `${system.issuerUrl}/oauth/token`, { form: { grant_type: 'client_credentials' }, headers: basic(client.id, client.secret) })).body
      .access_token as string;
  const refresh = (token: string) => call('POST', `${system.issuerUrl}/auth/refresh`, { json: { refresh_token: token } });
  const expectOk = (result: HttpResult, name = '') => {
    expect({ name, status: result.status }).toEqual({ name, status: 200 });
    expect(result.headers.get('cache-control')).toContain('no-store');
  };

  describe('revoke', () => {
    it('a refresh token: the whole family ends, the newest token included', async () => {
      const session = await login(system.issuerUrl, 'alice', 'alice-password');
      const newest = (await refresh(session.refresh_token)).body.refresh_token;
      const other = await login(system.issuerUrl, 'alice', 'alice-password');
      // The hint is wrong on purpose: it is only a hint.
      const result = await revoke({ token: newest, token_type_hint: 'access_token' });
      expectOk(result);
      expect(result.text).toBe('');
      expect((await refresh(newest)).body.error).toBe('invalid_grant');
      expect((await refresh(other.refresh_token)).status).toBe(200);
    });

    it('an access token: denied at both services until its exp', async () => {
      const session = await login(system.issuerUrl, 'alice', 'alice-password');
      expectOk(await revoke({ token: session.access_token, token_type_hint: 'access_token' }));
      for (const service of [system.ordersUrl, system.billingUrl])
        expect((await call('GET', `${service}/me`, { token: session.access_token })).status).toBe(401);
      const { jti, exp } = decodeJwt(session.access_token).payload;
      const ttl = await redis.ttl(redisKeys(system.redisPrefix).deniedJti(jti));
      expect(Math.abs(ttl - (exp - Math.floor(Date.now() / 1000) + REVOCATION_TTL_MARGIN_SECONDS))).toBeLessThanOrEqual(2);
      // The refresh family is a separate grant and lives on (RFC 7009 §2.1: MAY, not MUST).
      expect((await refresh(session.refresh_token)).status).toBe(200);
    });

    it('a client token only by its own client', async () => {
      const token = await clientToken(billing);
      expect((await revoke({ token })).body.error).toBe('unauthorized_client');
      expect((await revoke({ token }, basic(orders.id, orders.secret))).body.error).toBe('unauthorized_client');
      expect((await call('GET', `${system.billingUrl}/invoices/summary`, { token })).status).toBe(200);
      expectOk(await revoke({ token }, basic(billing.id, billing.secret)));
      expect((await call('GET', `${system.billingUrl}/invoices/summary`, { token })).status).toBe(401);
    });

    it('a first-party token cannot be revoked by a client it was not issued to', async () => {
      const session = await login(system.issuerUrl, 'alice', 'alice-password');
      const result = await revoke({ token: session.refresh_token }, basic(billing.id, billing.secret));
      expect(result.status).toBe(400);
      expect(result.body.error).toBe('unauthorized_client');
      expect((await refresh(session.refresh_token)).status).toBe(200);
    });

    it('unknown, invalid and expired tokens answer 200 as well (§2.2)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const session = await login(system.issuerUrl, 'alice', 'alice-password');
      const [h, p] = session.access_token.split('.');
      const cases: [string, string][] = [
        ['random text', 'not-a-token'],
        ['unknown refresh-shaped', 'B'.repeat(43)],
        ['expired access token', forge.sign(system.issuerUrl, { iat: now - 1000, exp: now - 500 })],
        ['foreign issuer', forge.sign('http://evil.example')],
        ['bad signature', `${h}.${p}.${'A'.repeat(342)}`],
        ['huge', 'x'.repeat(12_000)],
      ];
      for (const [name, token] of cases) expectOk(await revoke({ token, token_type_hint: 'refresh_token' }), name);
      expect((await call('GET', `${system.ordersUrl}/me`, { token: session.access_token })).status).toBe(200);
    });

    it('refuses a missing token and bad client credentials', async () => {
      const missing = await revoke({});
      expect([missing.status, missing.body.error]).toEqual([400, 'invalid_request']);
      const badClient = await revoke({ token: 'whatever' }, basic(billing.id, 'wrong'));
      expect([badClient.status, badClient.body.error]).toEqual([401, 'invalid_client']);
      expect(badClient.headers.get('www-authenticate')).toMatch(/^Basic /);
    });
  });

  describe('introspect', () => {
    it('requires client authentication', async () => {
      const session = await login(system.issuerUrl, 'alice', 'alice-password');
      for (const headers of [{}, basic(billing.id, 'wrong-secret'), basic('nobody', billing.secret), { authorization: `Bearer ${session.access_token}` }]) {
        const result = await introspect(session.access_token, headers);
        expect([result.status, result.body.error]).toEqual([401, 'invalid_client']);
        expect(result.headers.get('www-authenticate')).toMatch(/^Basic /);
        expect(result.body.active).toBeUndefined();
      }
      const post = await call('POST', `${system.issuerUrl}/oauth/introspect`, {
        form: { token: session.access_token, client_id: billing.id, client_secret: billing.secret },
      });
      expect(post.body.active).toBe(true);
    });

    it("describes an active user token meant for the asking client's service", async () => {
      const session = await login(system.issuerUrl, 'alice', 'alice-password');
      const claims = decodeJwt(session.access_token).payload;
      const result = await introspect(session.access_token);
      expectOk(result);
      expect(result.body).toEqual({
        active: true,
        token_type: 'Bearer',
        scope: '',
        client_id: 'first-party',
        sub: claims.sub,
        aud: claims.aud,
        iss: system.issuerUrl,
        exp: claims.exp,
        iat: claims.iat,
        jti: claims.jti,
        roles: ['user'],
      });
    });

    it('describes a client token to its own client and to nobody else', async () => {
      const token = await clientToken(billing);
      const own = await introspect(token);
      expect(own.body).toMatchObject({ active: true, client_id: 'billing-caller', sub: 'billing-caller', aud: 'billing-api', scope: 'invoices:read' });
      expect((await introspect(token, basic(orders.id, orders.secret))).body).toEqual({ active: false });
    });

    it('answers {active:false} for anything invalid, expired, revoked or cut off', async () => {
      const now = Math.floor(Date.now() / 1000);
      const loggedOut = await login(system.issuerUrl, 'alice', 'alice-password');
      await call('POST', `${system.issuerUrl}/auth/logout`, { token: loggedOut.access_token });
      const revoked = await login(system.issuerUrl, 'alice', 'alice-password');
      await revoke({ token: revoked.access_token });
      const live = await login(system.issuerUrl, 'alice', 'alice-password');
      const [h, p, s] = live.access_token.split('.');
      const cases: [string, string][] = [
        ['logged out', loggedOut.access_token],
        ['revoked', revoked.access_token],
        ['expired', forge.sign(system.issuerUrl, { iat: now - 1000, exp: now - 500, aud: 'billing-api' })],
        ['foreign issuer', forge.sign('http://evil.example', { aud: 'billing-api' })],
        ['tampered', `${h}.${Buffer.from(JSON.stringify({ ...decodeJwt(live.access_token).payload, roles: ['admin'] })).toString('base64url')}.${s}`],
        ['wrong typ', forge.sign(system.issuerUrl, { aud: 'billing-api' }, { typ: 'JWT' })],
        ['refresh token', live.refresh_token],
        ['garbage', 'garbage'],
        ['header only', `${h}.${p}`],
      ];
      for (const [name, token] of cases) {
        const result = await introspect(token);
        expectOk(result, name);
        expect({ name, body: result.body }).toEqual({ name, body: { active: false } });
      }
      expect((await introspect(live.access_token)).body.active).toBe(true);
      await call('POST', `${system.issuerUrl}/auth/logout-all`, { token: live.access_token });
      expect((await introspect(live.access_token)).body).toEqual({ active: false });
    });

    it('needs the token parameter', async () => {
      const result = await call('POST', `${system.issuerUrl}/oauth/introspect`, { form: {}, headers: basic(billing.id, billing.secret) });
      expect([result.status, result.body.error]).toEqual([400, 'invalid_request']);
    });
  });
});
