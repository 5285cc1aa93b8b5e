import { createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { call, decodeJwt } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { claimsFor, compact, enc, issuerPrivateKey, signAs } from './support/jws';
import { TokenForge } from '../support/token-forge';
import { expectVerdicts, guardedTargets, Target, VerdictCase } from './support/refusals';

/** RFC 8725 §2.1-2.2 and §3.1: unsigned tokens, broken or foreign signatures, and algorithm confusion. */
describe('signature and algorithm attacks', () => {
  let system: TestSystem;
  let kid: string;
  let realKey: KeyObject;
  let jwk: Record<string, string>;
  let jwksBody: string;

  beforeAll(async () => {
    system = await startTestSystem();
    ({ kid, key: realKey } = await issuerPrivateKey(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!));
    const jwks = await call('GET', `${system.issuerUrl}/.well-known/jwks.json`);
    jwksBody = jwks.text;
    jwk = jwks.body.keys.find((k: { kid: string }) => k.kid === kid);
  });
  afterAll(() => system?.stop());

  const claims = (t: Target, overrides: Record<string, unknown> = {}) =>
    JSON.stringify(claimsFor(system.issuerUrl, t.audience, { roles: ['admin', 'user'], ...overrides }));
  const header = (alg: string, extra: Record<string, unknown> = {}) => JSON.stringify({ alg, typ: 'at+jwt', kid, ...extra });
  /** What every forgery below imitates: the same claims, RS256-signed by the real key, accepted at `t`. */
  const genuine = (t: Target) => compact(header('RS256'), claims(t), (i) => signAs('RS256', i, realKey));
  const verdicts = (casesFor: (t: Target) => VerdictCase[]) => expectVerdicts(guardedTargets(system), casesFor);

  it('refuses alg "none" in every letter case, with and without a signature', async () => {
    const spellings = ['none', 'None', 'NONE', 'nOnE', 'NoNe', 'nonE', ' none', 'none '];
    await verdicts((t) => {
      const [, , realSignature] = genuine(t).split('.');
      return [
        ['control: RS256 and the real signature', genuine(t), 'accepted'],
        ...spellings.flatMap((alg): VerdictCase[] => [
          // An empty or signature-less token is not even a compact JWS here.
          [`alg ${JSON.stringify(alg)}, empty signature`, `${enc(header(alg))}.${enc(claims(t))}.`, 'ERR_TOKEN_MALFORMED'],
          [`alg ${JSON.stringify(alg)}, real signature`, `${enc(header(alg))}.${enc(claims(t))}.${realSignature}`, 'ERR_ALG_NOT_ALLOWED'],
          [`alg ${JSON.stringify(alg)}, no kid`, `${enc({ alg, typ: 'at+jwt' })}.${enc(claims(t))}.`, 'ERR_TOKEN_MALFORMED'],
        ]),
      ];
    });
  });

  it('refuses stripped, truncated, altered and foreign signatures, and payloads tampered under a real signature', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const flip = (sig: string, at: number) => sig.slice(0, at) + (sig[at] === 'A' ? 'B' : 'A') + sig.slice(at + 1);
    await verdicts((t) => {
      const token = genuine(t);
      const [h, p, s] = token.split('.');
      const payload = decodeJwt(token).payload;
      const another = genuine(t).split('.')[2];
      return [
        ['control: the untouched token', token, 'accepted'],
        ['signature stripped', `${h}.${p}.`, 'ERR_TOKEN_MALFORMED'],
        ['signature segment missing', `${h}.${p}`, 'ERR_TOKEN_MALFORMED'],
        ['signature truncated by one byte', `${h}.${p}.${Buffer.from(s, 'base64url').subarray(0, -1).toString('base64url')}`, 'ERR_SIGNATURE_INVALID'],
        // Cut by bytes, so the segment stays canonical base64url and only the length is wrong.
        ['signature cut in half', `${h}.${p}.${Buffer.from(s, 'base64url').subarray(0, 128).toString('base64url')}`, 'ERR_SIGNATURE_INVALID'],
        ['first signature byte flipped', `${h}.${p}.${flip(s, 0)}`, 'ERR_SIGNATURE_INVALID'],
        ['last signature character flipped', `${h}.${p}.${flip(s, s.length - 2)}`, 'ERR_SIGNATURE_INVALID'],
        ['signature doubled', `${h}.${p}.${s}${s}`, 'ERR_SIGNATURE_INVALID'],
        ['all-zero signature', `${h}.${p}.${Buffer.alloc(256).toString('base64url')}`, 'ERR_SIGNATURE_INVALID'],
        ['signature of another token', `${h}.${p}.${another}`, 'ERR_SIGNATURE_INVALID'],
        ['signed by a stranger key under the real kid', compact(header('RS256'), claims(t), (i) => signAs('RS256', i, stranger)), 'ERR_SIGNATURE_INVALID'],
        ['signed by another stranger key under the real kid', compact(header('RS256'), claims(t), (i) => signAs('RS256', i, other)), 'ERR_SIGNATURE_INVALID'],
        ['roles raised to admin', `${h}.${enc({ ...payload, roles: ['admin'] })}.${s}`, 'ERR_SIGNATURE_INVALID'],
        ['sub changed', `${h}.${enc({ ...payload, sub: 'someone-else' })}.${s}`, 'ERR_SIGNATURE_INVALID'],
        ['exp extended', `${h}.${enc({ ...payload, exp: payload.exp + 3600 })}.${s}`, 'ERR_SIGNATURE_INVALID'],
        ['payload re-encoded with spaces', `${h}.${enc(JSON.stringify(payload, null, 1))}.${s}`, 'ERR_SIGNATURE_INVALID'],
        ['header swapped for one naming another typ', `${enc({ alg: 'RS256', typ: 'JWT', kid })}.${p}.${s}`, 'ERR_TYP_MISMATCH'],
      ];
    });
  });

  it('refuses HS256/384/512 keyed with the published RSA public key in every encoding derivable from the JWKS', async () => {
    const publicKey = createPublicKey({ key: jwk as never, format: 'jwk' });
    const spki = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const pkcs1 = publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const spkiDer = publicKey.export({ type: 'spki', format: 'der' });
    const pkcs1Der = publicKey.export({ type: 'pkcs1', format: 'der' });
    const { kty, n, e } = jwk;
    const secrets: [string, Buffer][] = [
      ['PEM SPKI', Buffer.from(spki)],
      ['PEM SPKI without final newline', Buffer.from(spki.trimEnd())],
      ['PEM SPKI with CRLF', Buffer.from(spki.replace(/\n/g, '\r\n'))],
      ['PEM PKCS#1', Buffer.from(pkcs1)],
      ['PEM PKCS#1 without final newline', Buffer.from(pkcs1.trimEnd())],
      ['DER SPKI', spkiDer],
      ['DER PKCS#1', pkcs1Der],
      ['base64 of DER SPKI', Buffer.from(spkiDer.toString('base64'))],
      ['JWK JSON as published', Buffer.from(JSON.stringify(jwk))],
      ['JWK JSON, RFC 7638 member order', Buffer.from(JSON.stringify({ e, kty, n }))],
      ['whole JWKS document', Buffer.from(jwksBody)],
      ['modulus bytes', Buffer.from(n, 'base64url')],
      ['modulus as base64url text', Buffer.from(n)],
      ['exponent bytes', Buffer.from(e, 'base64url')],
      ['kid as text', Buffer.from(kid)],
      ['empty key', Buffer.alloc(0)],
    ];
    await verdicts((t) => {
      const cases: VerdictCase[] = [['control: RS256 by the private half of that key', genuine(t), 'accepted']];
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        for (const [name, secret] of secrets) {
          cases.push([`${alg} with ${name}`, compact(header(alg), claims(t), (i) => signAs(alg, i, secret)), 'ERR_ALG_NOT_ALLOWED']);
        }
        // Without a kid the header check refuses before the algorithm is looked at.
        cases.push([
          `${alg} with PEM SPKI and no kid`,
          compact(JSON.stringify({ alg, typ: 'at+jwt' }), claims(t), (i) => signAs(alg, i, Buffer.from(spki))),
          'ERR_HEADER_REFUSED',
        ]);
      }
      return cases;
    });
  });

  it('refuses algorithms off the allow-list or not matching the key, even when correctly signed with the real key', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const ed = generateKeyPairSync('ed25519').privateKey;
    await verdicts((t) => [
      ['control: RS256 by the real RSA key', genuine(t), 'accepted'],
      ...['RS384', 'RS512', 'PS256', 'PS384', 'PS512'].map((alg): VerdictCase => [
        `${alg} by the real RSA key`,
        compact(header(alg), claims(t), (i) => signAs(alg, i, realKey)),
        'ERR_ALG_NOT_ALLOWED',
      ]),
      ['RS256 signature under a header saying RS512', compact(header('RS512'), claims(t), (i) => signAs('RS256', i, realKey)), 'ERR_ALG_NOT_ALLOWED'],
      ['ES256 with the RSA kid', compact(header('ES256'), claims(t), (i) => signAs('ES256', i, ec)), 'ERR_ALG_NOT_ALLOWED'],
      ['EdDSA with the RSA kid', compact(header('EdDSA'), claims(t), (i) => signAs('EdDSA', i, ed)), 'ERR_ALG_NOT_ALLOWED'],
      ['lower-case rs256', compact(header('rs256'), claims(t), (i) => signAs('RS256', i, realKey)), 'ERR_ALG_NOT_ALLOWED'],
      ['alg with trailing space', compact(header('RS256 '), claims(t), (i) => signAs('RS256', i, realKey)), 'ERR_ALG_NOT_ALLOWED'],
      ['alg as an array', compact(JSON.stringify({ alg: ['RS256'], typ: 'at+jwt', kid }), claims(t), (i) => signAs('RS256', i, realKey)), 'ERR_HEADER_REFUSED'],
      ['alg missing', compact(JSON.stringify({ typ: 'at+jwt', kid }), claims(t), (i) => signAs('RS256', i, realKey)), 'ERR_HEADER_REFUSED'],
      ['alg null', compact(JSON.stringify({ alg: null, typ: 'at+jwt', kid }), claims(t), (i) => signAs('RS256', i, realKey)), 'ERR_HEADER_REFUSED'],
      ['unknown alg', compact(header('XS256'), claims(t), (i) => signAs('RS256', i, realKey)), 'ERR_ALG_NOT_ALLOWED'],
    ]);
  });

  it('refuses zero-valued ECDSA signatures (CVE-2022-21449) under the real RSA kid and for a minted P-256 key', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecJwk = publicKey.export({ format: 'jwk' });
    await verdicts((t) => {
      const withHeader = (h: Record<string, unknown>, sig: string) => `${enc(h)}.${enc(claims(t))}.${sig}`;
      return [
        ['control: RS256 by the real key', genuine(t), 'accepted'],
        ['ES256 r=s=0 (P1363) under the real RSA kid', withHeader({ alg: 'ES256', typ: 'at+jwt', kid }, ZERO_P256_P1363), 'ERR_ALG_NOT_ALLOWED'],
        ['ES256 r=s=0 (DER) under the real RSA kid', withHeader({ alg: 'ES256', typ: 'at+jwt', kid }, ZERO_DER), 'ERR_TOKEN_MALFORMED'],
        ['ES256 r=s=0 under a minted EC kid', withHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'minted-ec-key' }, ZERO_P256_P1363), 'ERR_KID_UNKNOWN'],
        [
          'ES256 r=s=0 with the minted key embedded',
          withHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'minted-ec-key', jwk: ecJwk }, ZERO_P256_P1363),
          'ERR_HEADER_REFUSED',
        ],
        ['ES384 r=s=0 under the real RSA kid', withHeader({ alg: 'ES384', typ: 'at+jwt', kid }, Buffer.alloc(96).toString('base64url')), 'ERR_ALG_NOT_ALLOWED'],
        ['ES256 r=s=n (curve order) under the real RSA kid', withHeader({ alg: 'ES256', typ: 'at+jwt', kid }, P256_ORDER_TWICE), 'ERR_ALG_NOT_ALLOWED'],
      ];
    });
  });
});

/** r = s = 0, the CVE-2022-21449 "psychic signature", in JWS (IEEE P1363) and DER encodings. */
const ZERO_P256_P1363 = Buffer.alloc(64).toString('base64url');
const ZERO_DER = Buffer.from('3006020100020100', 'hex').toString('base64url');
/** r = s = n, the P-256 group order: zero modulo n, the same forgery spelled otherwise. */
const P256_ORDER_TWICE = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'.repeat(2), 'hex').toString('base64url');

/** The CVE needs a published EC key to bite: with SIGNING_ALG=ES256 the zero signature meets one. */
describe('CVE-2022-21449 against a published ES256 key', () => {
  let system: TestSystem;
  let forge: TokenForge;

  beforeAll(async () => {
    system = await startTestSystem({ SIGNING_ALG: 'ES256' });
    forge = await TokenForge.fromDatabase(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!);
  });
  afterAll(() => system?.stop());

  it('refuses r=s=0 and r=s=n for the published P-256 key, whose real signatures are accepted', async () => {
    const jwks = (await call('GET', `${system.issuerUrl}/.well-known/jwks.json`)).body.keys;
    expect(jwks.find((k: { kid: string }) => k.kid === forge.kid)).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    await expectVerdicts(guardedTargets(system), (t) => {
      const token = forge.sign(system.issuerUrl, { aud: t.audience, roles: ['admin', 'user'] });
      const [h, p] = token.split('.');
      return [
        ['control: ES256 signed by the published key', token, 'accepted'],
        ['r=s=0 (P1363)', `${h}.${p}.${ZERO_P256_P1363}`, 'ERR_SIGNATURE_INVALID'],
        // 8 bytes of DER are too short to be a signature segment at all.
        ['r=s=0 (DER)', `${h}.${p}.${ZERO_DER}`, 'ERR_TOKEN_MALFORMED'],
        ['r=s=n (curve order)', `${h}.${p}.${P256_ORDER_TWICE}`, 'ERR_SIGNATURE_INVALID'],
        ['r=0, s=1', `${h}.${p}.${Buffer.concat([Buffer.alloc(32), Buffer.alloc(31), Buffer.from([1])]).toString('base64url')}`, 'ERR_SIGNATURE_INVALID'],
        ['r=1, s=0', `${h}.${p}.${Buffer.concat([Buffer.alloc(31), Buffer.from([1]), Buffer.alloc(32)]).toString('base64url')}`, 'ERR_SIGNATURE_INVALID'],
      ];
    });
  });
});
