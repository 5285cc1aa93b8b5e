import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { claimsFor, compact, enc, issuerPrivateKey, signAs } from './support/jws';
import { expectAllRefused, guardedTargets, presentToken, Target } from './support/refusals';
import { RequestSpy } from './support/request-spy';

/** RFC 8725 §3.10 and the OWASP cheat sheet: headers that try to choose the verification key or change the format. */
describe('header-driven key selection and format attacks', () => {
  let system: TestSystem;
  let admin: string;
  let kid: string;
  let realKey: KeyObject;
  let spy: RequestSpy;
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const attackerJwk = { ...attacker.publicKey.export({ format: 'jwk' }), kid: 'attacker', alg: 'RS256', use: 'sig' };

  beforeAll(async () => {
    system = await startTestSystem();
    admin = (await login(system.issuerUrl, 'admin', 'admin-password')).access_token;
    ({ kid, key: realKey } = await issuerPrivateKey(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!));
    spy = await RequestSpy.start(JSON.stringify({ keys: [attackerJwk] }));
  });
  afterAll(async () => {
    await spy?.close();
    await system?.stop();
  });

  const claims = () => JSON.stringify(claimsFor(system.issuerUrl, ['orders-api', 'billing-api', system.issuerUrl], { roles: ['admin', 'user'] }));
  /** Signed with the issuer's real key, so only the header decides the outcome. */
  const real = (h: Record<string, unknown>) => compact(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', ...h }), claims(), (i) => signAs('RS256', i, realKey));
  /** Signed with the attacker's key, which the header tries to make the verifier use. */
  const forged = (h: Record<string, unknown>) => compact(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', ...h }), claims(), (i) => signAs('RS256', i, attacker.privateKey));
  const refuseEverywhere = (cases: [string, string | ((t: Target) => string)][]) => expectAllRefused(guardedTargets(system), cases, () => admin);

  it('refuses kid path traversal, SQL-like, oversized and non-string kids', async () => {
    const kids: [string, unknown][] = [
      ['path traversal', '../../../../../../etc/passwd'],
      ['path traversal to /dev/null', '../../../../dev/null'],
      ['url-encoded traversal', '..%2F..%2F..%2Fetc%2Fpasswd'],
      ['dot-dot only', '..'],
      ['absolute path', '/dev/null'],
      ['windows path', '..\\..\\windows\\win.ini'],
      ['SQL tautology', "' OR '1'='1"],
      ['SQL union', "x' UNION SELECT 'secret' --"],
      ['SQL stacked query', `${kid}'; DROP TABLE signing_keys; --`],
      ['NUL appended', `${kid}\u0000`],
      ['real kid with whitespace', ` ${kid} `],
      ['real kid upper-cased', kid.toUpperCase()],
      ['empty', ''],
      ['very long', 'k'.repeat(3000)],
      ['number', 1],
      ['zero', 0],
      ['null', null],
      ['true', true],
      ['array holding the real kid', [kid]],
      ['object', { kid }],
      ['command injection', '$(touch /tmp/pwned)'],
      ['url', 'http://127.0.0.1:1/key'],
    ];
    const cases: [string, string][] = kids.flatMap(([name, value]): [string, string][] => [
      [`kid ${name}, real key`, real({ kid: value })],
      [`kid ${name}, attacker key`, forged({ kid: value })],
    ]);
    cases.push(['kid missing, real key', real({})]);
    await refuseEverywhere(cases);
  });

  it('never fetches jku or x5u, and ignores embedded jwk and x5c keys', async () => {
    const jwksUrl = `${spy.url}/jwks.json`;
    const selfSigned = Buffer.from('not really a certificate, the header must be refused before any parsing').toString('base64');
    const cases: [string, string][] = [
      ['jku to the attacker JWKS, attacker kid', forged({ kid: 'attacker', jku: jwksUrl })],
      ['jku to the attacker JWKS, real kid', forged({ kid, jku: jwksUrl })],
      ['jku alongside a real signature', real({ kid, jku: jwksUrl })],
      ['x5u to the attacker', forged({ kid: 'attacker', x5u: `${spy.url}/cert.pem` })],
      ['x5u alongside a real signature', real({ kid, x5u: `${spy.url}/cert.pem` })],
      ['embedded jwk of the attacker', forged({ kid: 'attacker', jwk: attackerJwk })],
      ['embedded jwk, real kid', forged({ kid, jwk: attackerJwk })],
      ['embedded jwk without kid', forged({ jwk: attackerJwk })],
      ['x5c chain', forged({ kid: 'attacker', x5c: [selfSigned] })],
      ['x5c alongside a real signature', real({ kid, x5c: [selfSigned] })],
      ['x5t thumbprint', real({ kid, x5t: 'AAAA' })],
      ['x5t#S256 thumbprint', real({ kid, 'x5t#S256': 'AAAA' })],
      ['JKU in upper case is just another unknown member', real({ kid, JKU: jwksUrl })],
    ];
    await refuseEverywhere(cases);
    expect(spy.requests).toEqual([]);
  });

  it('refuses crit, zip, b64:false and other unknown header members', async () => {
    const payload = claims();
    const zipped = (() => {
      const h = enc({ alg: 'RS256', typ: 'at+jwt', kid, zip: 'DEF' });
      const input = `${h}.${deflateRawSync(Buffer.from(payload)).toString('base64url')}`;
      return `${input}.${signAs('RS256', input, realKey)}`;
    })();
    const unencoded = (() => {
      const h = enc({ alg: 'RS256', typ: 'at+jwt', kid, b64: false, crit: ['b64'] });
      const signature = signAs('RS256', `${h}.${payload}`, realKey);
      return `${h}.${enc(payload)}.${signature}`;
    })();
    const cases: [string, string][] = [
      ['crit naming an unknown extension', real({ kid, crit: ['urn:example:must-understand'], 'urn:example:must-understand': true })],
      ['crit naming a registered member', real({ kid, crit: ['exp'] })],
      ['crit empty', real({ kid, crit: [] })],
      ['crit as a string', real({ kid, crit: 'b64' })],
      ['crit with a non-string', real({ kid, crit: [1] })],
      ['crit naming a member that is absent', real({ kid, crit: ['foo'] })],
      ['zip DEF with a deflated payload', zipped],
      ['zip DEF on a plain payload', real({ kid, zip: 'DEF' })],
      ['b64 false, detached style', unencoded],
      ['b64 false without crit', real({ kid, b64: false })],
      ['b64 true', real({ kid, b64: true })],
      ['cty JWT (nested token)', real({ kid, cty: 'JWT' })],
      ['enc in a JWS header', real({ kid, enc: 'A256GCM' })],
      ['__proto__ member', `${enc(`{"alg":"RS256","typ":"at+jwt","kid":"${kid}","__proto__":{"alg":"none"}}`)}.${enc(payload)}.${signAs('RS256', `${enc(`{"alg":"RS256","typ":"at+jwt","kid":"${kid}","__proto__":{"alg":"none"}}`)}.${enc(payload)}`, realKey)}`],
      ['private header member', real({ kid, admin: true })],
    ];
    await refuseEverywhere(cases);
  });

  it('refuses JWE and JSON-serialized JWS', async () => {
    const [h, p, s] = admin.split('.');
    const jweHeader = enc({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid, typ: 'at+jwt' });
    const cases: [string, string][] = [
      ['JWE compact (5 segments)', `${jweHeader}.${enc('k'.repeat(256))}.${enc('iv-iv-iv-iv')}.${p}.${enc('tag-tag-tag-tag1')}`],
      ['JWE dir with empty key segment', `${enc({ alg: 'dir', enc: 'A256GCM', kid })}..${enc('iv-iv-iv-iv')}.${p}.${enc('tag-tag-tag-tag1')}`],
      ['JWS with a JWE header', `${jweHeader}.${p}.${s}`],
      ['flattened JSON serialization', JSON.stringify({ protected: h, payload: p, signature: s })],
      ['general JSON serialization', JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }] })],
      ['JSON serialization, base64url-wrapped', enc(JSON.stringify({ protected: h, payload: p, signature: s }))],
    ];
    await refuseEverywhere(cases);
  });

  it('answers an unknown-kid flood promptly without calling anything but the issuer', async () => {
    const orders = guardedTargets(system)[0];
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => presentToken(orders.url, forged({ kid: `random-${i}` }), `random kid ${i}`)));
    expect(outcomes.filter((o) => o.status !== 401 || !o.prompt)).toEqual([]);
    expect(spy.requests).toEqual([]);
  });
});
