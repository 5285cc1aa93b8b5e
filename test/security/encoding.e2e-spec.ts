import { KeyObject } from 'node:crypto';
import { startTestSystem, TestSystem } from '../support/test-system';
import { claimsFor, compact, enc, issuerPrivateKey, signAs } from './support/jws';
import { expectVerdicts, guardedTargets, invalidToken, outcome, presentToken, Target, VerdictCase } from './support/refusals';
import { rawRequest } from './support/raw-http';

/**
 * Encoding tricks: lenient base64, whitespace, segment counts, non-object JSON, duplicate keys, nesting, size.
 * Each battery mutates a token that is accepted as it stands (its control), so a refusal is owed to the defect.
 */
describe('encoding attacks', () => {
  let system: TestSystem;
  let kid: string;
  let realKey: KeyObject;

  beforeAll(async () => {
    system = await startTestSystem();
    ({ kid, key: realKey } = await issuerPrivateKey(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!));
  });
  afterAll(() => system?.stop());

  const headerJson = () => JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid });
  const payloadJson = (t: Target, overrides: Record<string, unknown> = {}) =>
    JSON.stringify(claimsFor(system.issuerUrl, t.audience, { roles: ['admin', 'user'], ...overrides }));
  /** Really signed by the issuer's key: only the encoding is wrong. */
  const signed = (h: string, p: string) => compact(h, p, (input) => signAs('RS256', input, realKey));
  const signedSegments = (h: string, p: string) => {
    const input = `${h}.${p}`;
    return `${input}.${signAs('RS256', input, realKey)}`;
  };
  /** The token every mutation starts from: valid at target `t`. */
  const base = (t: Target) => signed(headerJson(), payloadJson(t));
  const verdicts = (casesFor: (t: Target) => VerdictCase[]) => expectVerdicts(guardedTargets(system), casesFor);

  it('refuses padded, standard-base64, non-canonical and whitespace-laden segments, even when signed', async () => {
    const std = (x: string) => Buffer.from(x, 'base64url').toString('base64');
    const withNonCanonicalTail = (x: string) => {
      // Changing unused low bits of the last character decodes to the same bytes: a second spelling of one value.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(x[x.length - 1]);
      return x.slice(0, -1) + alphabet[last ^ 1];
    };
    await verdicts((t) => {
      const [h, p, s] = base(t).split('.');
      // '???' encodes to "Pz8/": this payload's standard base64 really differs from its base64url.
      const slashy = enc(payloadJson(t, { x: '???>>>' }));
      expect(std(slashy)).not.toBe(slashy);
      return [
        ['control: the unmutated token', base(t), 'accepted'],
        ['control: the slash-prone payload in base64url, signed', signedSegments(h, slashy), 'accepted'],
        ['header padded', `${h}==.${p}.${s}`, 'ERR_TOKEN_MALFORMED'],
        ['payload padded', `${h}.${p}=.${s}`, 'ERR_TOKEN_MALFORMED'],
        ['signature padded', `${h}.${p}.${s}==`, 'ERR_TOKEN_MALFORMED'],
        ['signature in standard base64', `${h}.${p}.${std(s)}`, 'ERR_TOKEN_MALFORMED'],
        ['payload in standard base64, signed', signedSegments(h, std(slashy)), 'ERR_TOKEN_MALFORMED'],
        ['payload in standard base64 without padding, signed', signedSegments(h, std(slashy).replace(/=+$/, '')), 'ERR_TOKEN_MALFORMED'],
        ['header with non-canonical trailing bits, signed', signedSegments(withNonCanonicalTail(h), p), 'ERR_TOKEN_MALFORMED'],
        ['signature with non-canonical trailing bits', `${h}.${p}.${withNonCanonicalTail(s)}`, 'ERR_TOKEN_MALFORMED'],
        ['percent-encoded character', `${h}.${p.slice(0, 10)}%41${p.slice(10)}.${s}`, 'ERR_TOKEN_MALFORMED'],
        ['space inside the payload', `${h}.${p.slice(0, 10)} ${p.slice(10)}.${s}`, 'ERR_TOKEN_MALFORMED'],
        ['tab inside the signature', `${h}.${p}.${s.slice(0, 10)}\t${s.slice(10)}`, 'ERR_TOKEN_MALFORMED'],
        ['space around a dot', `${h} .${p}.${s}`, 'ERR_TOKEN_MALFORMED'],
        ['non-ASCII letter', `${h}.${p}.${s.slice(0, 10)}é${s.slice(10)}`, 'ERR_TOKEN_MALFORMED'],
        ['header of invalid UTF-8, signed', signedSegments(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64url'), p), 'ERR_TOKEN_MALFORMED'],
        ['header JSON with a BOM, signed', signed(`\ufeff${headerJson()}`, payloadJson(t)), 'ERR_TOKEN_MALFORMED'],
      ];
    });
  });

  it('refuses every wrong number of segments and empty segments', async () => {
    await verdicts((t) => {
      const [h, p, s] = base(t).split('.');
      return [
        ['control: three segments', `${h}.${p}.${s}`, 'accepted'],
        ['one segment', h, 'ERR_TOKEN_MALFORMED'],
        ['two segments', `${h}.${p}`, 'ERR_TOKEN_MALFORMED'],
        ['four segments', `${h}.${p}.${s}.${s}`, 'ERR_TOKEN_MALFORMED'],
        ['five segments', `${h}.${p}.${s}.${s}.${s}`, 'ERR_TOKEN_MALFORMED'],
        ['six segments', `${h}.${p}.${s}.${s}.${s}.${s}`, 'ERR_TOKEN_MALFORMED'],
        ['trailing dot', `${h}.${p}.${s}.`, 'ERR_TOKEN_MALFORMED'],
        ['leading dot', `.${h}.${p}.${s}`, 'ERR_TOKEN_MALFORMED'],
        ['empty header', `.${p}.${s}`, 'ERR_TOKEN_MALFORMED'],
        ['empty payload', `${h}..${s}`, 'ERR_TOKEN_MALFORMED'],
        ['only dots', '..', 'ERR_TOKEN_MALFORMED'],
        ['single character', 'a', 'ERR_TOKEN_MALFORMED'],
        ['double dot between segments', `${h}..${p}.${s}`, 'ERR_TOKEN_MALFORMED'],
      ];
    });
  });

  it('refuses non-object JSON, non-JSON and duplicate keys in header or payload, even when signed', async () => {
    await verdicts((t) => {
      const payload = payloadJson(t);
      const cases: VerdictCase[] = [
        ['control: the same header and payload text', signed(headerJson(), payload), 'accepted'],
        // The escaped spelling alone is fine JSON for "aud": only its duplicate below is the defect.
        ['control: aud spelled with an escape, once', signed(headerJson(), payload.replace('"aud"', '"\\u0061ud"')), 'accepted'],
      ];
      for (const [name, json] of [
        ['array', '[1]'],
        ['string', '"RS256"'],
        ['number', '42'],
        ['null', 'null'],
        ['true', 'true'],
        ['not JSON', 'alg=RS256'],
        ['truncated JSON', '{"alg":"RS256"'],
        ['empty', ''],
      ]) {
        cases.push([`header ${name}`, signed(json, payload), 'ERR_TOKEN_MALFORMED']);
        cases.push([`payload ${name}`, signed(headerJson(), json), 'ERR_TOKEN_MALFORMED']);
      }
      cases.push(
        ['duplicate alg, none last', signed(`{"alg":"RS256","typ":"at+jwt","kid":"${kid}","alg":"none"}`, payload), 'ERR_TOKEN_MALFORMED'],
        ['duplicate alg, RS256 last', signed(`{"alg":"none","typ":"at+jwt","kid":"${kid}","alg":"RS256"}`, payload), 'ERR_TOKEN_MALFORMED'],
        ['duplicate kid', signed(`{"alg":"RS256","typ":"at+jwt","kid":"unknown","kid":"${kid}"}`, payload), 'ERR_TOKEN_MALFORMED'],
        ['duplicate typ', signed(`{"alg":"RS256","typ":"JWT","kid":"${kid}","typ":"at+jwt"}`, payload), 'ERR_TOKEN_MALFORMED'],
        ['duplicate sub in payload', signed(headerJson(), payload.replace(/^\{/, '{"sub":"victim",')), 'ERR_TOKEN_MALFORMED'],
        ['duplicate roles in payload', signed(headerJson(), payload.replace(/^\{/, '{"roles":["user"],')), 'ERR_TOKEN_MALFORMED'],
        ['duplicate aud, escaped spelling', signed(headerJson(), payload.replace(/^\{/, '{"\\u0061ud":"elsewhere",')), 'ERR_TOKEN_MALFORMED'],
        ['duplicate exp in payload', signed(headerJson(), payload.replace(/^\{/, `{"exp":${Math.floor(Date.now() / 1000) + 999999},`)), 'ERR_TOKEN_MALFORMED'],
      );
      return cases;
    });
  });

  it('refuses deep nesting in header or payload, signed or not, and keeps serving', async () => {
    const deep = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    await verdicts((t) => [
      ['control: payload claim nested 8 deep, signed', signed(headerJson(), payloadJson(t).replace(/^\{/, `{"x":${deep(8)},`)), 'accepted'],
      ['payload claim nested 1000 deep, signed', signed(headerJson(), payloadJson(t).replace(/^\{/, `{"x":${deep(1000)},`)), 'ERR_TOKEN_MALFORMED'],
      ['payload claim of 1000 nested objects, signed', signed(headerJson(), payloadJson(t).replace(/^\{/, `{"x":${deepObject(1000)},`)), 'ERR_TOKEN_MALFORMED'],
      // Unsigned: the signature check refuses it before the payload's JSON is ever scanned.
      ['payload nested 4000 deep, unsigned', `${enc(headerJson())}.${enc(deep(4000))}.${'A'.repeat(342)}`, 'ERR_SIGNATURE_INVALID'],
      [
        'header member nested 1000 deep',
        `${enc(`{"alg":"RS256","typ":"at+jwt","kid":"${kid}","x":${deep(1000)}}`)}.${enc(payloadJson(t))}.${'A'.repeat(342)}`,
        'ERR_TOKEN_MALFORMED',
      ],
      ['header nested 2000 deep', `${enc(deep(2000))}.${enc(payloadJson(t))}.${'A'.repeat(342)}`, 'ERR_TOKEN_MALFORMED'],
      ['control: still serving afterwards', base(t), 'accepted'],
    ]);
  });

  it('refuses oversized tokens and headers with 401 or 431, never 500', async () => {
    const orders = guardedTargets(system)[0];
    const good = base(orders);
    const bigHeader = signed(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid, pad: 'x'.repeat(6000) }), payloadJson(orders));
    const bigPayload = signed(headerJson(), payloadJson(orders, { pad: 'x'.repeat(12_000) }));
    expect(await presentToken(orders.url, bigHeader, '6 kB header')).toEqual(invalidToken('6 kB header'));
    // A 16 kB Authorization line meets Node's header limit first: 431 is as good as 401 here.
    const big = await presentToken(orders.url, bigPayload, '12 kB payload');
    if (big.status !== 431) expect(big).toEqual(invalidToken('12 kB payload'));
    for (const size of [15_000, 17_000, 64_000, 200_000]) {
      const result = await rawRequest('GET', orders.url, [['authorization', `Bearer ${'a'.repeat(size)}`]]).catch(() => ({
        status: 0,
        headers: new Headers(),
        body: undefined,
      }));
      const seen = outcome(`${size}-byte Authorization`, result);
      expect({ name: seen.name, ok: [401, 431, 0].includes(seen.status) }).toEqual({ name: seen.name, ok: true });
      if (seen.status === 401) expect(seen).toEqual(invalidToken(seen.name));
    }
    const many: [string, string][] = Array.from({ length: 200 }, (_, i) => [`x-filler-${i}`, 'y'.repeat(70)]);
    const crowded = await rawRequest('GET', orders.url, [...many, ['authorization', `Bearer ${good}`]]).catch(() => ({ status: 0 }));
    expect([200, 431, 0]).toContain(crowded.status);
    expect((await presentToken(orders.url, good, 'still serving')).status).toBe(200);
  });
});
