import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { IssuerError } from '../../errors/issuer.error';
import { issuerErrorCodeOf } from '../../../../../test/support/issuer-error-code';
import { parseImportKeyRequest, readImportedKey } from './key-import.parser';

const pem = (key: KeyObject, type: 'pkcs8' | 'pkcs1' | 'sec1' = 'pkcs8') => key.export({ format: 'pem', type } as never).toString();
const jwk = (key: KeyObject) => key.export({ format: 'jwk' }) as Record<string, unknown>;

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa2 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

const codeOf = (run: () => unknown) => issuerErrorCodeOf(run, 'accepted');

describe('readImportedKey', () => {
  it.each([
    ['RSA 2048 PKCS#8 PEM', pem(rsa.privateKey), 'RS256'],
    ['RSA 2048 PKCS#1 PEM', pem(rsa.privateKey, 'pkcs1'), 'RS256'],
    ['RSA JWK', jwk(rsa.privateKey), 'RS256'],
    ['P-256 SEC1 PEM', pem(p256.privateKey, 'sec1'), 'ES256'],
    ['P-256 JWK as JSON text', JSON.stringify(jwk(p256.privateKey)), 'ES256'],
    ['Ed25519 PEM', pem(ed.privateKey), 'EdDSA'],
    ['Ed25519 JWK', jwk(ed.privateKey), 'EdDSA'],
  ])('accepts %s as %s', (_name, key, alg) => {
    const imported = readImportedKey({ kid: 'k-1', key, activate: false });
    expect(imported.alg).toBe(alg);
    expect(imported.kid).toBe('k-1');
  });

  it('takes the kid from the JWK when none is given', () => {
    expect(readImportedKey({ key: { ...jwk(ed.privateKey), kid: 'from-jwk' }, activate: false }).kid).toBe('from-jwk');
  });

  const encrypted = rsa.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
  const mixed = { ...jwk(rsa.privateKey), d: jwk(rsa2.privateKey).d, p: jwk(rsa2.privateKey).p, q: jwk(rsa2.privateKey).q };
  const refusals: [string, unknown, string][] = [
    ['RSA 1024', pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey), 'weak_key'],
    ['RSA with exponent 3', pem(generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }).privateKey), 'weak_key'],
    ['P-384', pem(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey), 'invalid_key'],
    ['secp256k1', pem(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey), 'invalid_key'],
    ['Ed448', pem(generateKeyPairSync('ed448').privateKey), 'invalid_key'],
    ['X25519 (cannot sign)', pem(generateKeyPairSync('x25519').privateKey), 'invalid_key'],
    ['RSA-PSS key', pem(generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey), 'invalid_key'],
    ['public key PEM', rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString(), 'invalid_key'],
    ['encrypted PEM', encrypted, 'invalid_key'],
    ['truncated PEM', pem(rsa.privateKey).slice(0, 400) + '\n-----END PRIVATE KEY-----\n', 'invalid_key'],
    ['garbage text', 'not a key at all', 'invalid_key'],
    ['broken JSON', '{"kty":', 'invalid_key'],
    ['public JWK', jwk(rsa.publicKey), 'invalid_key'],
    ['symmetric JWK', { kty: 'oct', k: 'c2VjcmV0' }, 'invalid_key'],
    ['JWK for encryption', { ...jwk(p256.privateKey), use: 'enc' }, 'invalid_key'],
    ['JWK with members of two keys', mixed, 'invalid_key'],
    ['JWK alg other than the key', { ...jwk(p256.privateKey), alg: 'RS256' }, 'invalid_key'],
  ];
  it.each(refusals)('refuses %s with %s', (_name, key, code) => {
    expect(codeOf(() => readImportedKey({ kid: 'k-1', key: key as string, activate: false }))).toBe(code);
  });

  it.each([
    ['alg that does not match', { kid: 'k', alg: 'ES256', key: pem(rsa.privateKey) }, 'invalid_key'],
    ['missing kid', { key: pem(rsa.privateKey) }, 'invalid_request'],
    ['kid the guard would refuse', { kid: 'a/b', key: pem(rsa.privateKey) }, 'invalid_request'],
    ['kid longer than 128', { kid: 'k'.repeat(129), key: pem(rsa.privateKey) }, 'invalid_request'],
    ['JWK kid other than the kid given', { kid: 'one', key: { ...jwk(ed.privateKey), kid: 'two' } }, 'invalid_key'],
  ])('refuses %s', (_name, request, code) => {
    expect(codeOf(() => readImportedKey({ activate: false, ...request }))).toBe(code);
  });

  it('never echoes key material in a refusal', () => {
    const text = pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey);
    // The refusal must happen: an expect only inside a catch would pass on a key that is accepted.
    let refusal: unknown;
    try {
      readImportedKey({ kid: 'k', key: text, activate: false });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(IssuerError);
    const body = (refusal as IssuerError).description;
    expect(body).toEqual(expect.any(String));
    expect(
      text
        .split('\n')
        .slice(1, -2)
        .some((line) => body.includes(line)),
    ).toBe(false);
  });
});

describe('parseImportKeyRequest', () => {
  it.each([
    ['not an object', 'x'],
    ['array', []],
    ['null', null],
    ['numeric kid', { kid: 1, key: 'x' }],
    ['key missing', { kid: 'k' }],
    ['key as number', { kid: 'k', key: 5 }],
    ['activate as string', { kid: 'k', key: 'x', activate: 'yes' }],
  ])('refuses %s with invalid_request', (_name, body) => {
    expect(codeOf(() => parseImportKeyRequest(body))).toBe('invalid_request');
  });
});
