import { createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { call, decodeJwt, login } from '../support/http';
import { startTestSystem, TestSystem } from '../support/test-system';
import { claimsFor, compact, enc, issuerPrivateKey, signAs } from './support/jws';
import { expectAllRefused, guardedTargets, Target } from './support/refusals';

/** RFC 8725 §2.1-2.2 and §3.1: unsigned tokens, broken or foreign signatures, and algorithm confusion. */
describe('signature and algorithm attacks', () => {
  let system: TestSystem;
  let admin: string;
  let kid: string;
  let realKey: KeyObject;
  let jwk: Record<string, string>;
  let jwksBody: string;

  beforeAll(async () => {
    system = await startTestSystem();
    admin = (await login(system.issuerUrl, 'admin', 'admin-password')).access_token;
    ({ kid, key: realKey } = await issuerPrivateKey(system.databaseUrl, system.issuerEnv.KEY_ENCRYPTION_KEY!));
    const jwks = await call('GET', `${system.issuerUrl}/.well-known/jwks.json`);
    jwksBody = jwks.text;
    jwk = jwks.body.keys.find((k: { kid: string }) => k.kid === kid);
  });
  afterAll(() => system?.stop());

  const audiences = () => ['orders-api', 'billing-api', system.issuerUrl];
  const claims = (overrides: Record<string, unknown> = {}) => JSON.stringify(claimsFor(system.issuerUrl, audiences(), { roles: ['admin', 'user'], ...overrides }));
  const header = (alg: string, extra: Record<string, unknown> = {}) => JSON.stringify({ alg, typ: 'at+jwt', kid, ...extra });
  const refuseEverywhere = (cases: [string, string | ((t: Target) => string)][]) => expectAllRefused(guardedTargets(system), cases, () => admin);

  it('refuses alg "none" in every letter case, with and without a signature', async () => {
    const spellings = ['none', 'None', 'NONE', 'nOnE', 'NoNe', 'nonE', ' none', 'none '];
    const [, , realSignature] = admin.split('.');
    const cases: [string, string][] = spellings.flatMap((alg): [string, string][] => [
      [`alg ${JSON.stringify(alg)}, empty signature`, `${enc(header(alg))}.${enc(claims())}.`],
      [`alg ${JSON.stringify(alg)}, real signature`, `${enc(header(alg))}.${enc(claims())}.${realSignature}`],
      [`alg ${JSON.stringify(alg)}, no kid`, `${enc({ alg, typ: 'at+jwt' })}.${enc(claims())}.`],
    ]);
    await refuseEverywhere(cases);
  });

  it('refuses stripped, truncated, altered and foreign signatures, and payloads tampered under a real signature', async () => {
    const [h, p, s] = admin.split('.');
    const payload = decodeJwt(admin).payload;
    const other = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token.split('.')[2];
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const flip = (sig: string, at: number) => sig.slice(0, at) + (sig[at] === 'A' ? 'B' : 'A') + sig.slice(at + 1);
    const cases: [string, string][] = [
      ['signature stripped', `${h}.${p}.`],
      ['signature segment missing', `${h}.${p}`],
      ['signature truncated by one byte', `${h}.${p}.${Buffer.from(s, 'base64url').subarray(0, -1).toString('base64url')}`],
      ['signature cut in half', `${h}.${p}.${s.slice(0, s.length / 2)}`],
      ['first signature byte flipped', `${h}.${p}.${flip(s, 0)}`],
      ['last signature character flipped', `${h}.${p}.${flip(s, s.length - 2)}`],
      ['signature doubled', `${h}.${p}.${s}${s}`],
      ['all-zero signature', `${h}.${p}.${Buffer.alloc(256).toString('base64url')}`],
      ['signature of another token', `${h}.${p}.${other}`],
      ['signed by a stranger key under the real kid', compact(header('RS256'), claims(), (i) => signAs('RS256', i, stranger))],
      ['roles raised to admin', `${h}.${enc({ ...payload, roles: ['admin'] })}.${s}`],
      ['sub changed', `${h}.${enc({ ...payload, sub: 'someone-else' })}.${s}`],
      ['exp extended', `${h}.${enc({ ...payload, exp: payload.exp + 3600 })}.${s}`],
      ['payload re-encoded with spaces', `${h}.${enc(JSON.stringify(payload, null, 1))}.${s}`],
      ['header swapped for one naming another typ', `${enc({ alg: 'RS256', typ: 'JWT', kid })}.${p}.${s}`],
    ];
    await refuseEverywhere(cases);
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
    const cases: [string, string][] = [];
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      for (const [name, secret] of secrets) {
        cases.push([`${alg} with ${name}`, compact(header(alg), claims(), (i) => signAs(alg, i, secret))]);
      }
      cases.push([`${alg} with PEM SPKI and no kid`, compact(JSON.stringify({ alg, typ: 'at+jwt' }), claims(), (i) => signAs(alg, i, Buffer.from(spki)))]);
    }
    await refuseEverywhere(cases);
  });

  it('refuses algorithms off the allow-list or not matching the key, even when correctly signed with the real key', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const ed = generateKeyPairSync('ed25519').privateKey;
    const cases: [string, string][] = [
      ...['RS384', 'RS512', 'PS256', 'PS384', 'PS512'].map((alg): [string, string] => [`${alg} by the real RSA key`, compact(header(alg), claims(), (i) => signAs(alg, i, realKey))]),
      ['RS256 signature under a header saying RS512', compact(header('RS512'), claims(), (i) => signAs('RS256', i, realKey))],
      ['ES256 with the RSA kid', compact(header('ES256'), claims(), (i) => signAs('ES256', i, ec))],
      ['EdDSA with the RSA kid', compact(header('EdDSA'), claims(), (i) => signAs('EdDSA', i, ed))],
      ['lower-case rs256', compact(header('rs256'), claims(), (i) => signAs('RS256', i, realKey))],
      ['alg with trailing space', compact(header('RS256 '), claims(), (i) => signAs('RS256', i, realKey))],
      ['alg as an array', compact(JSON.stringify({ alg: ['RS256'], typ: 'at+jwt', kid }), claims(), (i) => signAs('RS256', i, realKey))],
      ['alg missing', compact(JSON.stringify({ typ: 'at+jwt', kid }), claims(), (i) => signAs('RS256', i, realKey))],
      ['alg null', compact(JSON.stringify({ alg: null, typ: 'at+jwt', kid }), claims(), (i) => signAs('RS256', i, realKey))],
      ['unknown alg', compact(header('XS256'), claims(), (i) => signAs('RS256', i, realKey))],
    ];
    await refuseEverywhere(cases);
  });

  it('refuses zero-valued ECDSA signatures (CVE-2022-21449) for a minted P-256 key and under the real RSA kid', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecJwk = publicKey.export({ format: 'jwk' });
    const zeroP1363 = Buffer.alloc(64).toString('base64url');
    const zeroDer = Buffer.from('3006020100020100', 'hex').toString('base64url');
    const withHeader = (h: Record<string, unknown>, sig: string) => `${enc(h)}.${enc(claims())}.${sig}`;
    const cases: [string, string][] = [
      ['ES256 r=s=0 (P1363) under the real RSA kid', withHeader({ alg: 'ES256', typ: 'at+jwt', kid }, zeroP1363)],
      ['ES256 r=s=0 (DER) under the real RSA kid', withHeader({ alg: 'ES256', typ: 'at+jwt', kid }, zeroDer)],
      ['ES256 r=s=0 under a minted EC kid', withHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'minted-ec-key' }, zeroP1363)],
      ['ES256 r=s=0 with the minted key embedded', withHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'minted-ec-key', jwk: ecJwk }, zeroP1363)],
      ['ES384 r=s=0 under the real RSA kid', withHeader({ alg: 'ES384', typ: 'at+jwt', kid }, Buffer.alloc(96).toString('base64url'))],
      ['ES256 r=s=n (curve order)', withHeader({ alg: 'ES256', typ: 'at+jwt', kid }, Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'.repeat(2), 'hex').toString('base64url'))],
    ];
    await refuseEverywhere(cases);
  });
});
