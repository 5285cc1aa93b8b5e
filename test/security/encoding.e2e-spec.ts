import { KeyObject } from 'node:crypto';
import { login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { claimsFor, compact, enc, issuerPrivateKey, signAs } from './support/jws';
import { expectAllRefused, guardedTargets, invalidToken, outcome, presentToken, Target } from './support/refusals';
import { rawRequest } from './support/raw-http';

/** Encoding tricks: lenient base64, whitespace, segment counts, non-object JSON, duplicate keys, nesting, size. */
describe('encoding attacks', () => {
  let system: TestSystem;
  let admin: string;
  let kid: string;
  let realKey: KeyObject;

  beforeAll(async () => {
    system = await startTestSystem();
    admin = (await login(system.issuerUrl, 'admin', 'admin-password')).access_token;
    ({ kid, key: realKey } = await issuerPrivateKey(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!));
  });
  afterAll(() => system?.stop());

  const headerJson = () => JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid });
  const payloadJson = (overrides: Record<string, unknown> = {}) =>
    JSON.stringify(claimsFor(system.issuerUrl, ['orders-api', 'billing-api', system.issuerUrl], { roles: ['admin', 'user'], ...overrides }));
  /** Really signed by the issuer's key: only the encoding is wrong. */
  const signed = (h: string, p: string) => compact(h, p, (input) => signAs('RS256', input, realKey));
  const signedSegments = (h: string, p: string) => {
    const input = `${h}.${p}`;
    return `${input}.${signAs('RS256', input, realKey)}`;
  };
  const refuseEverywhere = (cases: [string, string | ((t: Target) => string)][]) => expectAllRefused(guardedTargets(system), cases, () => admin);

  it('refuses padded, standard-base64, non-canonical and whitespace-laden segments, even when signed', async () => {
    const [h, p, s] = admin.split('.');
    const std = (x: string) => Buffer.from(x, 'base64url').toString('base64');
    // '???' encodes to "Pz8/": this payload's standard base64 really differs from its base64url.
    const slashy = enc(payloadJson({ x: '???>>>' }));
    expect(std(slashy)).not.toBe(slashy);
    const withNonCanonicalTail = (x: string) => {
      // Changing unused low bits of the last character decodes to the same bytes: a second spelling of one value.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(x[x.length - 1]);
      return x.slice(0, -1) + alphabet[last ^ 1];
    };
    const cases: [string, string][] = [
      ['header padded', `${h}==.${p}.${s}`],
      ['payload padded', `${h}.${p}=.${s}`],
      ['signature padded', `${h}.${p}.${s}==`],
      ['signature in standard base64', `${h}.${p}.${std(s)}`],
      ['payload in standard base64, signed', signedSegments(h, std(slashy))],
      ['payload in standard base64 without padding, signed', signedSegments(h, std(slashy).replace(/=+$/, ''))],
      ['header with non-canonical trailing bits, signed', signedSegments(withNonCanonicalTail(h), p)],
      ['signature with non-canonical trailing bits', `${h}.${p}.${withNonCanonicalTail(s)}`],
      ['percent-encoded character', `${h}.${p.slice(0, 10)}%41${p.slice(10)}.${s}`],
      ['space inside the payload', `${h}.${p.slice(0, 10)} ${p.slice(10)}.${s}`],
      ['tab inside the signature', `${h}.${p}.${s.slice(0, 10)}\t${s.slice(10)}`],
      ['space around a dot', `${h} .${p}.${s}`],
      ['non-ASCII letter', `${h}.${p}.${s.slice(0, 10)}é${s.slice(10)}`],
      ['header of invalid UTF-8, signed', signedSegments(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64url'), p)],
      ['header JSON with a BOM, signed', signed(`\ufeff${headerJson()}`, payloadJson())],
    ];
    await refuseEverywhere(cases);
  });

  it('refuses every wrong number of segments and empty segments', async () => {
    const [h, p, s] = admin.split('.');
    const cases: [string, string][] = [
      ['one segment', h],
      ['two segments', `${h}.${p}`],
      ['four segments', `${h}.${p}.${s}.${s}`],
      ['five segments', `${h}.${p}.${s}.${s}.${s}`],
      ['six segments', `${h}.${p}.${s}.${s}.${s}.${s}`],
      ['trailing dot', `${h}.${p}.${s}.`],
      ['leading dot', `.${h}.${p}.${s}`],
      ['empty header', `.${p}.${s}`],
      ['empty payload', `${h}..${s}`],
      ['only dots', '..'],
      ['single character', 'a'],
      ['double dot between segments', `${h}..${p}.${s}`],
    ];
    await refuseEverywhere(cases);
  });

  it('refuses non-object JSON, non-JSON and duplicate keys in header or payload, even when signed', async () => {
    const cases: [string, string][] = [];
    for (const [name, json] of [['array', '[1]'], ['string', '"RS256"'], ['number', '42'], ['null', 'null'], ['true', 'true'], ['not JSON', 'alg=RS256'], ['truncated JSON', '{"alg":"RS256"'], ['empty', '']]) {
      cases.push([`header ${name}`, signed(json, payloadJson())]);
      cases.push([`payload ${name}`, signed(headerJson(), json)]);
    }
    const payload = payloadJson();
    cases.push(
      ['duplicate alg, none last', signed(`{"alg":"RS256","typ":"at+jwt","kid":"${kid}","alg":"none"}`, payload)],
      ['duplicate alg, RS256 last', signed(`{"alg":"none","typ":"at+jwt","kid":"${kid}","alg":"RS256"}`, payload)],
      ['duplicate kid', signed(`{"alg":"RS256","typ":"at+jwt","kid":"unknown","kid":"${kid}"}`, payload)],
      ['duplicate typ', signed(`{"alg":"RS256","typ":"JWT","kid":"${kid}","typ":"at+jwt"}`, payload)],
      ['duplicate sub in payload', signed(headerJson(), payload.replace(/^\{/, '{"sub":"victim",'))],
      ['duplicate roles in payload', signed(headerJson(), payload.replace(/^\{/, '{"roles":["user"],'))],
      ['duplicate aud, escaped spelling', signed(headerJson(), payload.replace(/^\{/, '{"\\u0061ud":"elsewhere",'))],
      ['duplicate exp in payload', signed(headerJson(), payload.replace(/^\{/, `{"exp":${Math.floor(Date.now() / 1000) + 999999},`))],
    );
    await refuseEverywhere(cases);
  });

  it('refuses deep nesting in header or payload, signed or not, and keeps serving', async () => {
    const deep = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const cases: [string, string][] = [
      ['payload claim nested 1000 deep, signed', signed(headerJson(), payloadJson().replace(/^\{/, `{"x":${deep(1000)},`))],
      ['payload claim of 1000 nested objects, signed', signed(headerJson(), payloadJson().replace(/^\{/, `{"x":${deepObject(1000)},`))],
      ['payload nested 4000 deep, unsigned', `${enc(headerJson())}.${enc(deep(4000))}.${'A'.repeat(342)}`],
      ['header member nested 1000 deep', `${enc(`{"alg":"RS256","typ":"at+jwt","kid":"${kid}","x":${deep(1000)}}`)}.${enc(payloadJson())}.${'A'.repeat(342)}`],
      ['header nested 2000 deep', `${enc(deep(2000))}.${enc(payloadJson())}.${'A'.repeat(342)}`],
    ];
    await refuseEverywhere(cases);
  });

  it('refuses oversized tokens and headers with 401 or 431, never 500', async () => {
    const orders = guardedTargets(system)[0];
    const bigHeader = signed(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid, pad: 'x'.repeat(6000) }), payloadJson());
    const bigPayload = signed(headerJson(), payloadJson({ pad: 'x'.repeat(12_000) }));
    expect(await presentToken(orders.url, bigHeader, '6 kB header')).toEqual(invalidToken('6 kB header'));
    // A 16 kB Authorization line meets Node's header limit first: 431 is as good as 401 here.
    const big = await presentToken(orders.url, bigPayload, '12 kB payload');
    expect(big.status === 431 ? big.prompt : big).toEqual(big.status === 431 ? true : invalidToken('12 kB payload'));
    for (const size of [15_000, 17_000, 64_000, 200_000]) {
      const started = Date.now();
      const result = await rawRequest('GET', orders.url, [['authorization', `Bearer ${'a'.repeat(size)}`]]).catch(() => ({ status: 0, headers: new Headers(), body: undefined }));
      const seen = outcome(`${size}-byte Authorization`, result, started);
      expect({ name: seen.name, ok: [401, 431, 0].includes(seen.status), prompt: seen.prompt }).toEqual({ name: seen.name, ok: true, prompt: true });
      if (seen.status === 401) expect(seen).toEqual(invalidToken(seen.name));
    }
    const many: [string, string][] = Array.from({ length: 200 }, (_, i) => [`x-filler-${i}`, 'y'.repeat(70)]);
    const crowded = await rawRequest('GET', orders.url, [...many, ['authorization', `Bearer ${admin}`]]).catch(() => ({ status: 0 }));
    expect([200, 431, 0]).toContain(crowded.status);
    expect((await presentToken(orders.url, admin, 'still serving')).status).toBe(200);
  });
});
