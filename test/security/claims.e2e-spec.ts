import { adminAudienceOf } from '@app/contract';
import { adminLogin, call, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { TokenForge } from '../support/token-forge';
import { expectAllRefused, guardedTargets, invalidToken, outcome, Target } from './support/refusals';

/**
 * RFC 9068 §4 and RFC 8725 §3.8-3.9: each claim check alone, under the issuer's real signature,
 * so a refusal can only come from the claim under test.
 */
describe('claim attacks under a valid signature', () => {
  let system: TestSystem;
  let forge: TokenForge;
  let admin: string;

  beforeAll(async () => {
    system = await startTestSystem();
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
    admin = (await login(system.issuerUrl, 'admin', 'admin-password')).access_token;
  });
  afterAll(() => system?.stop());

  const now = () => Math.floor(Date.now() / 1000);
  /** A token that each target would accept, but for `overrides`. */
  const token =
    (overrides: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    (t: Target) =>
      forge.sign(system.issuerUrl, { aud: [t.audience], roles: ['admin', 'user'], ...overrides }, header);
  const refuseEverywhere = (cases: [string, (t: Target) => string][]) => expectAllRefused(guardedTargets(system), cases, () => admin);

  it('the baseline forged token is accepted everywhere, so each refusal below is specific', async () => {
    for (const target of guardedTargets(system)) {
      expect({ target: target.name, status: (await call('GET', target.url, { token: token({})(target) })).status }).toEqual({
        target: target.name,
        status: 200,
      });
    }
  });

  it('refuses expired, not-yet-valid and future-issued tokens', async () => {
    await refuseEverywhere([
      ['expired a minute ago', token({ iat: now() - 960, exp: now() - 60 })],
      ['expired long ago', token({ iat: 1000, exp: 2000 })],
      ['exp zero', token({ iat: 0, exp: 0 })],
      ['nbf ten minutes ahead', token({ nbf: now() + 600 })],
      ['nbf far ahead', token({ nbf: now() + 10 * 365 * 86400 })],
      ['iat ten minutes ahead', token({ iat: now() + 600, exp: now() + 1200 })],
      ['exp before iat', token({ iat: now(), exp: now() - 1 + 0 })],
      ['exp equal to iat', token({ iat: now() - 10, exp: now() - 10 })],
    ]);
  });

  it('refuses a token missing any required claim', async () => {
    await refuseEverywhere(
      ['exp', 'iat', 'jti', 'sub', 'iss', 'aud'].map((claim): [string, (t: Target) => string] => [`no ${claim}`, token({ [claim]: undefined })]),
    );
  });

  it('refuses wrong claim types: strings, nulls, huge, fractional and negative numbers', async () => {
    const cases: [string, (t: Target) => string][] = [];
    const bad: [string, unknown][] = [
      ['a numeric string', String(now() + 300)],
      ['null', null],
      ['an array', [now() + 300]],
      ['an object', { value: now() + 300 }],
      ['true', true],
      ['1e308', 1e308],
      ['past MAX_SAFE_INTEGER', 2 ** 53 + 2],
      ['fractional', now() + 300.5],
      ['negative', -1],
    ];
    for (const claim of ['exp', 'iat', 'nbf']) for (const [name, value] of bad) cases.push([`${claim} ${name}`, token({ [claim]: value })]);
    const shapes: [string, Record<string, unknown>][] = [
      ['sub empty', { sub: '' }],
      ['sub a number', { sub: 42 }],
      ['sub null', { sub: null }],
      ['sub an object', { sub: { id: 'x' } }],
      ['sub 10 kB', { sub: 's'.repeat(10_000) }],
      ['jti empty', { jti: '' }],
      ['jti a number', { jti: 7 }],
      ['jti null', { jti: null }],
      ['jti an array', { jti: ['a'] }],
      ['scope a number', { scope: 1 }],
      ['scope an array', { scope: ['orders:read'] }],
      ['scope null', { scope: null }],
      ['iss a number', { iss: 1 }],
      ['iss null', { iss: null }],
    ];
    for (const [name, overrides] of shapes) cases.push([name, token(overrides)]);
    await refuseEverywhere(cases);
  });

  it('refuses issuer look-alikes', async () => {
    const iss = () => system.issuerUrl;
    const port = new URL(system.issuerUrl).port;
    const lookAlikes: [string, () => unknown][] = [
      ['trailing slash', () => `${iss()}/`],
      ['upper-case scheme', () => iss().replace('http', 'HTTP')],
      ['https instead of http', () => iss().replace('http:', 'https:')],
      ['localhost for 127.0.0.1', () => `http://localhost:${port}`],
      ['suffix', () => `${iss()}.evil.example`],
      ['path suffix', () => `${iss()}/evil`],
      ['prefix', () => `http://evil.example/${iss()}`],
      ['userinfo', () => iss().replace('http://', 'http://evil@')],
      ['leading space', () => ` ${iss()}`],
      ['trailing NUL', () => `${iss()}\u0000`],
      ['empty', () => ''],
      ['in an array', () => [iss()]],
      ['another issuer', () => 'https://accounts.example.com'],
    ];
    await refuseEverywhere(lookAlikes.map(([name, value]) => [`iss ${name}`, (t: Target) => token({ iss: value() })(t)]));
  });

  it('refuses audience look-alikes and empty audiences', async () => {
    const lookAlikes: [string, (aud: string) => unknown][] = [
      ['trailing space', (a) => `${a} `],
      ['upper-cased', (a) => a.toUpperCase()],
      ['suffix', (a) => `${a}.evil`],
      ['prefix', (a) => `evil-${a}`],
      ['truncated', (a) => a.slice(0, -1)],
      ['trailing slash', (a) => `${a}/`],
      ['comma-joined string', (a) => `${a},other`],
      ['space-joined string', (a) => `${a} other`],
      ['empty string', () => ''],
      ['empty array', () => []],
      ['array of empty string', () => ['']],
      ['null', () => null],
      ['object', (a) => ({ [a]: true })],
      ['nested array', (a) => [[a]]],
      ['another service only', (a) => [a === 'orders-api' ? 'billing-api' : 'orders-api']],
    ];
    await refuseEverywhere(lookAlikes.map(([name, value]) => [`aud ${name}`, (t: Target) => token({ aud: value(t.audience) })(t)]));
  });

  it('answers malformed roles with 401 or 403, never 500, and never grants admin', async () => {
    const roles: [string, unknown][] = [
      ['a string', 'admin'],
      ['a space-separated string', 'admin user'],
      ['numbers', [1, 2]],
      ['null entries', [null]],
      ['nested array', [['admin']]],
      ['object', { 0: 'admin', length: 1 }],
      ['null', null],
      ['true', true],
      ['an object entry', [{ role: 'admin' }]],
      ['1000 entries', Array.from({ length: 1000 }, (_, i) => `role-${i}`)],
      ['admin with different case', ['Admin']],
      ['admin with whitespace', [' admin']],
    ];
    const targets = [`${system.ordersUrl}/admin/ping`, `${system.billingUrl}/admin/ping`, `${system.issuerUrl}/admin/keys`];
    const audiences = ['orders-api', 'billing-api', adminAudienceOf(system.issuerUrl)];
    for (const [i, url] of targets.entries()) {
      for (const [name, value] of roles) {
        const result = await call('GET', url, { token: forge.sign(system.issuerUrl, { aud: [audiences[i]], roles: value }) });
        const seen = outcome(`${url}: roles ${name}`, result);
        if (seen.status === 403) {
          expect(seen.challenge).toMatch(/^Bearer .*error="insufficient_scope"/);
        } else {
          expect(seen).toEqual(invalidToken(seen.name));
        }
      }
      expect((await call('GET', url, { token: i === 2 ? await adminLogin(system.issuerUrl) : admin })).status).toBe(200);
    }
  });
});
