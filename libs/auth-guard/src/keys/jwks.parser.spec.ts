import { generateKeyPairSync } from 'node:crypto';
import { LocalKey } from '@app/auth-guard/testing';
import { parseJwks } from './jwks.parser';

describe('parseJwks', () => {
  const rsa = LocalKey.generate('RS256', 'rsa');
  const ec = LocalKey.generate('ES256', 'ec');
  const ed = LocalKey.generate('EdDSA', 'ed');
  const privateRsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const smallRsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });

  it('reads RSA, EC P-256 and Ed25519 keys with their published alg', () => {
    const keys = parseJwks({ keys: [rsa.jwk(), ec.jwk(), ed.jwk()] });
    expect([...keys.values()].map((k) => [k.kid, k.alg, k.key.asymmetricKeyType])).toEqual([
      ['rsa', 'RS256', 'rsa'],
      ['ec', 'ES256', 'ec'],
      ['ed', 'EdDSA', 'ed25519'],
    ]);
  });

  const dropped: [string, Record<string, unknown>][] = [
    ['no alg', rsa.jwk({ kid: 'x', alg: undefined })],
    ['no kid', rsa.jwk({ kid: undefined })],
    ['a kid with odd characters', rsa.jwk({ kid: 'a b' })],
    ['alg none', rsa.jwk({ kid: 'x', alg: 'none' })],
    ['an HMAC key', { kty: 'oct', k: 'c2VjcmV0', kid: 'x', alg: 'HS256' }],
    ['private RSA material', { ...privateRsa, kid: 'x', alg: 'RS256' }],
    ['use enc', rsa.jwk({ kid: 'x', use: 'enc' })],
    ['key_ops without verify', rsa.jwk({ kid: 'x', key_ops: ['encrypt'] })],
    ['an RSA key published as ES256', rsa.jwk({ kid: 'x', alg: 'ES256' })],
    ['an EC key published as RS256', ec.jwk({ kid: 'x', alg: 'RS256' })],
    ['a P-384 key published as ES256', { ...p384, kid: 'x', alg: 'ES256' }],
    ['a 1024-bit RSA key', { ...smallRsa, kid: 'x', alg: 'RS256' }],
    ['a broken modulus', rsa.jwk({ kid: 'x', n: 'AAAA' })],
  ];
  it.each(dropped)('drops a key with %s and keeps the others', (_name, jwk) => {
    const keys = parseJwks({ keys: [jwk, ec.jwk()] });
    expect([...keys.keys()]).toEqual(['ec']);
  });

  it('trusts neither of two keys published under one kid', () => {
    const keys = parseJwks({ keys: [rsa.jwk({ kid: 'dup' }), ec.jwk({ kid: 'dup' }), ed.jwk()] });
    expect([...keys.keys()]).toEqual(['ed']);
  });

  it.each([[null], [{}], [{ keys: 'nope' }], [[]]])('refuses a document without a keys array: %j', (body) => {
    expect(() => parseJwks(body)).toThrow();
  });
});
