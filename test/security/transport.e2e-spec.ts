import { call, decodeJwt, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { TokenForge } from '../support/token-forge';
import { expectAllRefused, guardedTargets, outcome, realTokenAt, Target, UNAUTHORIZED_BODY } from './support/refusals';
import { rawRequest } from './support/raw-http';

/** RFC 6750 §2 and RFC 9068 §4: where a token may come from, how it is spelled, and which tokens count as access tokens. */
describe('transport and token-type attacks', () => {
  let system: TestSystem;
  let forge: TokenForge;
  let admin: { access_token: string; refresh_token: string };

  beforeAll(async () => {
    system = await startTestSystem();
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
    admin = await login(system.issuerUrl, 'admin', 'admin-password');
  });
  afterAll(() => system?.stop());

  const anonymous = (name: string) => ({ name, status: 401, challenge: expect.stringMatching(/^Bearer realm="[^"]+"$/), body: UNAUTHORIZED_BODY });
  const refused = (name: string) => ({
    name,
    status: 401,
    challenge: expect.stringMatching(/^Bearer realm="[^"]+"(, error="invalid_token")?$/),
    body: UNAUTHORIZED_BODY,
  });

  it('ignores tokens in the query string, the body and cookies', async () => {
    const token = admin.access_token;
    for (const target of guardedTargets(system)) {
      const cases: [string, () => Promise<Parameters<typeof outcome>[1]>][] = [
        ['access_token query parameter', () => call('GET', `${target.url}?access_token=${token}`)],
        ['token query parameter', () => call('GET', `${target.url}?token=${token}`)],
        ['Bearer in the query', () => call('GET', `${target.url}?authorization=Bearer%20${token}`)],
        ['cookie named access_token', () => call('GET', target.url, { headers: { cookie: `access_token=${token}` } })],
        ['cookie named token', () => call('GET', target.url, { headers: { cookie: `token=${token}; jwt=${token}` } })],
        ['X-Access-Token header', () => call('GET', target.url, { headers: { 'x-access-token': token } })],
      ];
      for (const [name, send] of cases) {
        expect(outcome(`${target.name}: ${name}`, await send())).toEqual(anonymous(`${target.name}: ${name}`));
      }
    }
    // A body is only possible on POST: the issuer's own guarded POST must not read one either.
    for (const [name, options] of [
      ['form access_token', { form: { access_token: token } }],
      ['JSON access_token', { json: { access_token: token } }],
    ] as const) {
      const result = await call('POST', `${system.issuerUrl}/auth/logout-all`, options);
      expect(outcome(name, result)).toEqual(anonymous(name));
    }
  });

  it('accepts the Bearer scheme in any letter case (RFC 7235 §2.1) and one or more spaces (1*SP)', async () => {
    for (const target of guardedTargets(system)) {
      const token = await realTokenAt(target, admin.access_token);
      for (const value of [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer  ${token}`]) {
        const result = await rawRequest('GET', target.url, [['authorization', value]]);
        expect({ target: target.name, value: value.slice(0, 9), status: result.status }).toEqual({
          target: target.name,
          value: value.slice(0, 9),
          status: 200,
        });
      }
    }
  });

  it('refuses malformed Authorization headers, two of them, and other schemes', async () => {
    const t = admin.access_token;
    const variants: [string, [string, string][]][] = [
      ['scheme only', [['authorization', 'Bearer']]],
      ['scheme and a space', [['authorization', 'Bearer ']]],
      ['tab after the scheme', [['authorization', `Bearer\t${t}`]]],
      ['no space after the scheme', [['authorization', `Bearer${t}`]]],
      ['token without a scheme', [['authorization', t]]],
      ['token in quotes', [['authorization', `Bearer "${t}"`]]],
      ['token then junk', [['authorization', `Bearer ${t} junk`]]],
      ['two tokens, comma-separated', [['authorization', `Bearer ${t}, Bearer ${t}`]]],
      [
        'two Authorization headers, both valid',
        [
          ['authorization', `Bearer ${t}`],
          ['authorization', `Bearer ${t}`],
        ],
      ],
      [
        'two Authorization headers, valid first',
        [
          ['authorization', `Bearer ${t}`],
          ['authorization', 'Bearer garbage.garbage.garbage'],
        ],
      ],
      [
        'two Authorization headers, valid second',
        [
          ['authorization', 'Basic YWxpY2U6YWxpY2UtcGFzc3dvcmQ='],
          ['authorization', `Bearer ${t}`],
        ],
      ],
      ['Basic credentials of a real user', [['authorization', `Basic ${Buffer.from('admin:admin-password').toString('base64')}`]]],
      ['Token scheme', [['authorization', `Token ${t}`]]],
      ['JWT scheme', [['authorization', `JWT ${t}`]]],
      ['DPoP scheme', [['authorization', `DPoP ${t}`]]],
      ['Bearer misspelt', [['authorization', `Baerer ${t}`]]],
      ['Proxy-Authorization instead', [['proxy-authorization', `Bearer ${t}`]]],
    ];
    for (const target of guardedTargets(system)) {
      const seen = [];
      for (const [name, headers] of variants) {
        seen.push(outcome(`${target.name}: ${name}`, await rawRequest('GET', target.url, headers)));
      }
      expect(seen).toEqual(seen.map((o) => refused(o.name)));
      expect((await call('GET', target.url, { token: await realTokenAt(target, t) })).status).toBe(200);
    }
  });

  it('refuses refresh tokens, ID-token-like JWTs and tokens without typ at+jwt as access tokens', async () => {
    const idTokenClaims = (t: Target) => ({
      aud: t.audience,
      nonce: 'n-0S6_WzA2Mj',
      auth_time: Math.floor(Date.now() / 1000),
      at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q',
      azp: 'some-client',
    });
    const cases: [string, (t: Target) => string][] = [
      ['a refresh token', () => admin.refresh_token],
      [
        'a refresh token of the right length with dots',
        () => `${admin.refresh_token.slice(0, 14)}.${admin.refresh_token.slice(14, 28)}.${admin.refresh_token.slice(28)}`,
      ],
      ['ID token (typ JWT)', (t) => forge.sign(system.issuerUrl, idTokenClaims(t), { typ: 'JWT' })],
      ['ID token (no typ)', (t) => forge.sign(system.issuerUrl, idTokenClaims(t), { typ: undefined })],
      ['typ JWT', (t) => forge.sign(system.issuerUrl, { aud: t.audience }, { typ: 'JWT' })],
      ['typ jwt', (t) => forge.sign(system.issuerUrl, { aud: t.audience }, { typ: 'jwt' })],
      ['typ application/jwt', (t) => forge.sign(system.issuerUrl, { aud: t.audience }, { typ: 'application/jwt' })],
      ['typ absent', (t) => forge.sign(system.issuerUrl, { aud: t.audience }, { typ: undefined })],
      ['typ empty', (t) => forge.sign(system.issuerUrl, { aud: t.audience }, { typ: '' })],
      ['typ at+jwt with a suffix', (t) => forge.sign(system.issuerUrl, { aud: t.audience }, { typ: 'at+jwt; charset=utf-8' })],
      ['typ logout+jwt', (t) => forge.sign(system.issuerUrl, { aud: t.audience }, { typ: 'logout+jwt' })],
      ['typ as an array', (t) => forge.sign(system.issuerUrl, { aud: t.audience }, { typ: ['at+jwt'] })],
      ['typ null', (t) => forge.sign(system.issuerUrl, { aud: t.audience }, { typ: null })],
    ];
    await expectAllRefused(guardedTargets(system), cases, () => admin.access_token);
  });

  it('the issuer itself takes tokens only from the Authorization header too', async () => {
    const me = decodeJwt(admin.access_token).payload.sub;
    const result = await call('POST', `${system.issuerUrl}/auth/logout-all?access_token=${admin.access_token}`);
    expect(result.status).toBe(401);
    // Nothing was logged out: the admin's token still works.
    expect((await call('GET', `${system.ordersUrl}/me`, { token: admin.access_token })).body.sub).toBe(me);
  });
});
