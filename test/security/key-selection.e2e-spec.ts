import { generateKeyPairSync, KeyObject, verify } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { startTestSystem, TestSystem } from '../support/test-system';
import { claimsFor, compact, enc, issuerPrivateKey, signAs } from './support/jws';
import { countedDuring, expectVerdicts, guardedTargets, presentToken, Target, Verdict, VerdictCase } from './support/refusals';
import { RequestSpy } from './support/request-spy';

/** RFC 8725 §3.10 and the OWASP cheat sheet: headers that try to choose the verification key or change the format. */
describe('header-driven key selection and format attacks', () => {
  let system: TestSystem;
  let kid: string;
  let realKey: KeyObject;
  let spy: RequestSpy;
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const attackerJwk = { ...attacker.publicKey.export({ format: 'jwk' }), kid: 'attacker', alg: 'RS256', use: 'sig' };

  beforeAll(async () => {
    system = await startTestSystem();
    ({ kid, key: realKey } = await issuerPrivateKey(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!));
    spy = await RequestSpy.start(JSON.stringify({ keys: [attackerJwk] }));
  });
  afterAll(async () => {
    await spy?.close();
    await system?.stop();
  });

  const claims = (t: Target) => JSON.stringify(claimsFor(system.issuerUrl, t.audience, { roles: ['admin', 'user'] }));
  /** Signed with the issuer's real key, so only the header decides the outcome. */
  const real = (t: Target, h: Record<string, unknown>) =>
    compact(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', ...h }), claims(t), (i) => signAs('RS256', i, realKey));
  /** Signed with the attacker's key, which the header tries to make the verifier use. */
  const forged = (t: Target, h: Record<string, unknown>) =>
    compact(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', ...h }), claims(t), (i) => signAs('RS256', i, attacker.privateKey));
  const verdicts = (casesFor: (t: Target) => VerdictCase[]) => expectVerdicts(guardedTargets(system), casesFor);
  /** The forgeries are sound: they verify under the attacker's key, so only the guard's key choice refuses them. */
  const expectAttackerSigned = (token: string) => {
    const [h, p, s] = token.split('.');
    expect(verify('sha256', Buffer.from(`${h}.${p}`), attacker.publicKey, Buffer.from(s, 'base64url'))).toBe(true);
  };

  it('refuses kid path traversal, SQL-like, oversized and non-string kids', async () => {
    // Anything outside [A-Za-z0-9._-]{1,128} or not a string never reaches a key lookup.
    const kids: [string, unknown, Verdict][] = [
      ['path traversal', '../../../../../../etc/passwd', 'ERR_HEADER_REFUSED'],
      ['path traversal to /dev/null', '../../../../dev/null', 'ERR_HEADER_REFUSED'],
      ['url-encoded traversal', '..%2F..%2F..%2Fetc%2Fpasswd', 'ERR_HEADER_REFUSED'],
      ['dot-dot only', '..', 'ERR_KID_UNKNOWN'],
      ['absolute path', '/dev/null', 'ERR_HEADER_REFUSED'],
      ['windows path', '..\\..\\windows\\win.ini', 'ERR_HEADER_REFUSED'],
      ['SQL tautology', "' OR '1'='1", 'ERR_HEADER_REFUSED'],
      ['SQL union', "x' UNION SELECT 'secret' --", 'ERR_HEADER_REFUSED'],
      ['SQL stacked query', `${kid}'; DROP TABLE signing_keys; --`, 'ERR_HEADER_REFUSED'],
      ['NUL appended', `${kid}\u0000`, 'ERR_HEADER_REFUSED'],
      ['real kid with whitespace', ` ${kid} `, 'ERR_HEADER_REFUSED'],
      ['real kid upper-cased', kid.toUpperCase(), 'ERR_KID_UNKNOWN'],
      ['empty', '', 'ERR_HEADER_REFUSED'],
      ['very long', 'k'.repeat(3000), 'ERR_HEADER_REFUSED'],
      ['number', 1, 'ERR_HEADER_REFUSED'],
      ['zero', 0, 'ERR_HEADER_REFUSED'],
      ['null', null, 'ERR_HEADER_REFUSED'],
      ['true', true, 'ERR_HEADER_REFUSED'],
      ['array holding the real kid', [kid], 'ERR_HEADER_REFUSED'],
      ['object', { kid }, 'ERR_HEADER_REFUSED'],
      ['command injection', '$(touch /tmp/pwned)', 'ERR_HEADER_REFUSED'],
      ['url', 'http://127.0.0.1:1/key', 'ERR_HEADER_REFUSED'],
    ];
    expect(kid.toUpperCase()).not.toBe(kid);
    expectAttackerSigned(forged(guardedTargets(system)[0], { kid }));
    await verdicts((t) => [
      ['control: the real kid, real key', real(t, { kid }), 'accepted'],
      ['the real kid, attacker key', forged(t, { kid }), 'ERR_SIGNATURE_INVALID'],
      ...kids.flatMap(([name, value, verdict]): VerdictCase[] => [
        [`kid ${name}, real key`, real(t, { kid: value }), verdict],
        [`kid ${name}, attacker key`, forged(t, { kid: value }), verdict],
      ]),
      ['kid missing, real key', real(t, {}), 'ERR_HEADER_REFUSED'],
    ]);
  });

  it('never fetches jku or x5u, and ignores embedded jwk and x5c keys', async () => {
    const jwksUrl = `${spy.url}/jwks.json`;
    await expectSpyWorks(spy, jwksUrl);
    const selfSigned = Buffer.from('not really a certificate, the header must be refused before any parsing').toString('base64');
    expectAttackerSigned(forged(guardedTargets(system)[0], { kid: 'attacker', jku: jwksUrl }));
    await verdicts((t) => [
      ['control: the real kid and no key-selecting member', real(t, { kid }), 'accepted'],
      ['jku to the attacker JWKS, attacker kid', forged(t, { kid: 'attacker', jku: jwksUrl }), 'ERR_HEADER_REFUSED'],
      ['jku to the attacker JWKS, real kid', forged(t, { kid, jku: jwksUrl }), 'ERR_HEADER_REFUSED'],
      ['jku alongside a real signature', real(t, { kid, jku: jwksUrl }), 'ERR_HEADER_REFUSED'],
      ['x5u to the attacker', forged(t, { kid: 'attacker', x5u: `${spy.url}/cert.pem` }), 'ERR_HEADER_REFUSED'],
      ['x5u alongside a real signature', real(t, { kid, x5u: `${spy.url}/cert.pem` }), 'ERR_HEADER_REFUSED'],
      ['embedded jwk of the attacker', forged(t, { kid: 'attacker', jwk: attackerJwk }), 'ERR_HEADER_REFUSED'],
      ['embedded jwk, real kid', forged(t, { kid, jwk: attackerJwk }), 'ERR_HEADER_REFUSED'],
      ['embedded jwk without kid', forged(t, { jwk: attackerJwk }), 'ERR_HEADER_REFUSED'],
      ['x5c chain', forged(t, { kid: 'attacker', x5c: [selfSigned] }), 'ERR_HEADER_REFUSED'],
      ['x5c alongside a real signature', real(t, { kid, x5c: [selfSigned] }), 'ERR_HEADER_REFUSED'],
      ['x5t thumbprint', real(t, { kid, x5t: 'AAAA' }), 'ERR_HEADER_REFUSED'],
      ['x5t#S256 thumbprint', real(t, { kid, 'x5t#S256': 'AAAA' }), 'ERR_HEADER_REFUSED'],
      ['JKU in upper case is just another unknown member', real(t, { kid, JKU: jwksUrl }), 'ERR_HEADER_REFUSED'],
    ]);
    expect(spy.requests).toEqual([]);
  });

  it('refuses crit, zip, b64:false and other unknown header members', async () => {
    await verdicts((t) => {
      const payload = claims(t);
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
      const protoHeader = enc(`{"alg":"RS256","typ":"at+jwt","kid":"${kid}","__proto__":{"alg":"none"}}`);
      return [
        ['control: alg, typ and kid only', real(t, { kid }), 'accepted'],
        [
          'crit naming an unknown extension',
          real(t, { kid, crit: ['urn:example:must-understand'], 'urn:example:must-understand': true }),
          'ERR_HEADER_REFUSED',
        ],
        ['crit naming a registered member', real(t, { kid, crit: ['exp'] }), 'ERR_HEADER_REFUSED'],
        ['crit empty', real(t, { kid, crit: [] }), 'ERR_HEADER_REFUSED'],
        ['crit as a string', real(t, { kid, crit: 'b64' }), 'ERR_HEADER_REFUSED'],
        ['crit with a non-string', real(t, { kid, crit: [1] }), 'ERR_HEADER_REFUSED'],
        ['crit naming a member that is absent', real(t, { kid, crit: ['foo'] }), 'ERR_HEADER_REFUSED'],
        ['zip DEF with a deflated payload', zipped, 'ERR_HEADER_REFUSED'],
        ['zip DEF on a plain payload', real(t, { kid, zip: 'DEF' }), 'ERR_HEADER_REFUSED'],
        ['b64 false, detached style', unencoded, 'ERR_HEADER_REFUSED'],
        ['b64 false without crit', real(t, { kid, b64: false }), 'ERR_HEADER_REFUSED'],
        ['b64 true', real(t, { kid, b64: true }), 'ERR_HEADER_REFUSED'],
        ['cty JWT (nested token)', real(t, { kid, cty: 'JWT' }), 'ERR_HEADER_REFUSED'],
        ['enc in a JWS header', real(t, { kid, enc: 'A256GCM' }), 'ERR_HEADER_REFUSED'],
        ['__proto__ member', `${protoHeader}.${enc(payload)}.${signAs('RS256', `${protoHeader}.${enc(payload)}`, realKey)}`, 'ERR_HEADER_REFUSED'],
        ['private header member', real(t, { kid, admin: true }), 'ERR_HEADER_REFUSED'],
      ];
    });
  });

  it('refuses JWE and JSON-serialized JWS', async () => {
    const jweHeader = enc({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid, typ: 'at+jwt' });
    await verdicts((t) => {
      const token = real(t, { kid });
      const [h, p, s] = token.split('.');
      return [
        ['control: the compact JWS itself', token, 'accepted'],
        ['JWE compact (5 segments)', `${jweHeader}.${enc('k'.repeat(256))}.${enc('iv-iv-iv-iv')}.${p}.${enc('tag-tag-tag-tag1')}`, 'ERR_TOKEN_MALFORMED'],
        [
          'JWE dir with empty key segment',
          `${enc({ alg: 'dir', enc: 'A256GCM', kid })}..${enc('iv-iv-iv-iv')}.${p}.${enc('tag-tag-tag-tag1')}`,
          'ERR_TOKEN_MALFORMED',
        ],
        ['JWS with a JWE header', `${jweHeader}.${p}.${s}`, 'ERR_HEADER_REFUSED'],
        ['flattened JSON serialization', JSON.stringify({ protected: h, payload: p, signature: s }), 'ERR_TOKEN_MALFORMED'],
        ['general JSON serialization', JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }] }), 'ERR_TOKEN_MALFORMED'],
        ['JSON serialization, base64url-wrapped', enc(JSON.stringify({ protected: h, payload: p, signature: s })), 'ERR_TOKEN_MALFORMED'],
      ];
    });
  });

  // The one test here with a time bound: a flood must not hang the guard. The bound is generous on purpose.
  it('answers a flood of unknown kids naming an attacker URL without fetching it or hanging', async () => {
    const orders = guardedTargets(system)[0];
    await expectSpyWorks(spy, `${spy.url}/flood`);
    const tokens = Array.from({ length: 40 }, (_, i) => {
      const pointer =
        i % 4 === 0
          ? {}
          : i % 4 === 1
            ? { jku: `${spy.url}/jwks-${i}.json` }
            : i % 4 === 2
              ? { x5u: `${spy.url}/cert-${i}.pem` }
              : { jku: `${spy.url}/jwks.json`, kid: 'attacker' };
      return forged(orders, { kid: `random-${i}`, ...pointer });
    });
    const started = Date.now();
    const { result: outcomes, reasons } = await countedDuring(() => Promise.all(tokens.map((token, i) => presentToken(orders.url, token, `random kid ${i}`))));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(outcomes.filter((o) => o.status !== 401)).toEqual([]);
    // A quarter carry only an unknown kid and reach the key lookup; the rest are refused for naming a URL.
    expect(reasons.sort()).toEqual([...Array(10).fill('ERR_KID_UNKNOWN'), ...Array(30).fill('ERR_HEADER_REFUSED')].sort());
    expect(spy.requests).toEqual([]);
  });
});

/** The spy really records what reaches it (so its empty log means something); then it forgets that probe. */
async function expectSpyWorks(spy: RequestSpy, url: string): Promise<void> {
  expect((await fetch(url)).status).toBe(200);
  expect(spy.requests).toEqual([`GET ${new URL(url).pathname}`]);
  spy.requests.length = 0;
}
