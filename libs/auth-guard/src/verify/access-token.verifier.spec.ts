import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { LocalAlg, LocalKey } from '@app/auth-guard/testing';
import type { KeySource, VerificationKey } from '../keys/key-source';
import { AccessTokenVerifier } from './access-token.verifier';
import { VerificationError, VerificationFailure } from './verification.error';

const ISS = 'https://issuer.test';
const AUD = 'orders-api';
const NOW = 1_800_000_000;
const TOLERANCE = 5;
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

class StaticKeys implements KeySource {
  constructor(private readonly keys: VerificationKey[]) {}
  async getKey(kid: string) {
    return this.keys.find((k) => k.kid === kid);
  }
  isReady() {
    return true;
  }
  algorithms() {
    return new Set(this.keys.map((k) => k.alg));
  }
}

const asKey = (key: LocalKey): VerificationKey => ({ kid: key.kid, alg: key.alg, key: key.publicKey });

async function codeOf(promise: Promise<unknown>): Promise<VerificationFailure | 'accepted'> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (error instanceof VerificationError) return error.code;
    throw error;
  }
}

/** `depth` actors, each acting for the one before. */
const nestedActors = (depth: number): Record<string, unknown> =>
  Array.from({ length: depth }, (_, i) => `svc-${i}`).reduceRight<Record<string, unknown> | undefined>(
    (prior, sub) => (prior ? { sub, act: prior } : { sub }),
    undefined,
  )!;

const ALGS: LocalAlg[] = ['RS256', 'ES256', 'EdDSA'];

describe.each(ALGS)('AccessTokenVerifier with %s keys', (alg) => {
  const key = LocalKey.generate(alg);
  const impostor = LocalKey.generate(alg, key.kid);
  const otherAlgKey = LocalKey.generate(alg === 'ES256' ? 'RS256' : 'ES256');
  const verifier = new AccessTokenVerifier(new StaticKeys([asKey(key), asKey(otherAlgKey)]), {
    issuer: ISS,
    audience: AUD,
    algorithms: ['RS256', 'ES256', 'EdDSA'],
    clockToleranceSeconds: TOLERANCE,
    now: () => NOW * 1000,
  });
  const base = { iss: ISS, aud: [AUD, 'billing-api'] };
  const claims = (overrides: Record<string, unknown> = {}) => ({ iat: NOW - 10, exp: NOW + 290, ...overrides });
  const token = (overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => key.token(base, claims(overrides), header);
  const header = (overrides: Record<string, unknown> = {}) => ({ alg, typ: 'at+jwt', kid: key.kid, ...overrides });
  const payload = () => ({ ...claims(), iss: ISS, aud: AUD, sub: 'u', jti: 'j1', roles: [], scope: '' });
  const swapLastChar = (t: string) => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    return t.slice(0, -1) + alphabet[alphabet.indexOf(t.slice(-1)) + 1];
  };

  it('accepts a valid token and returns its claims', async () => {
    const claimsOut = await verifier.verify(token({ sub: 'alice', roles: ['admin'], scope: 'a b' }));
    expect(claimsOut).toMatchObject({ sub: 'alice', roles: ['admin'], scope: 'a b', iss: ISS });
  });

  const accepted: [string, () => string][] = [
    ['typ application/at+jwt', () => token({}, { typ: 'application/at+jwt' })],
    ['aud as a plain string', () => token({ aud: AUD })],
    ['exp just past, inside the tolerance', () => token({ exp: NOW - TOLERANCE + 1 })],
    ['nbf just ahead, inside the tolerance', () => token({ nbf: NOW + TOLERANCE })],
    ['iat just ahead, inside the tolerance', () => token({ iat: NOW + TOLERANCE })],
    ['no roles and no scope (defaults)', () => token({ roles: undefined, scope: undefined })],
    ['an actor (RFC 8693 act)', () => token({ act: { sub: 'orders-api' } })],
    ['a nested actor chain with extra actor members', () => token({ act: { sub: 'billing-api', iss: ISS, act: { sub: 'orders-api' } } })],
    ['an actor chain at the depth limit', () => token({ act: nestedActors(8) })],
  ];
  it.each(accepted)('accepts: %s', async (_name, build) => {
    expect(await codeOf(verifier.verify(build()))).toBe('accepted');
  });

  const refused: [string, () => string, VerificationFailure][] = [
    // Form
    ['empty string', () => '', 'ERR_TOKEN_MALFORMED'],
    ['two segments', () => token().split('.').slice(0, 2).join('.'), 'ERR_TOKEN_MALFORMED'],
    ['unsigned (alg none, empty signature)', () => `${b64(header({ alg: 'none' }))}.${b64(payload())}.`, 'ERR_TOKEN_MALFORMED'],
    ['JWE (five segments)', () => `${token()}.AAAA.BBBB`, 'ERR_TOKEN_MALFORMED'],
    ['JWS JSON serialization', () => JSON.stringify({ payload: b64(payload()), signatures: [] }), 'ERR_TOKEN_MALFORMED'],
    ['whitespace inside', () => token().replace('.', ' .'), 'ERR_TOKEN_MALFORMED'],
    ['padding characters', () => `${token()}==`, 'ERR_TOKEN_MALFORMED'],
    ['oversized', () => `${'a'.repeat(30_000)}.${b64(payload())}.${'b'.repeat(100)}`, 'ERR_TOKEN_MALFORMED'],
    ['header not JSON', () => key.signRaw('not json', payload()), 'ERR_TOKEN_MALFORMED'],
    ['header a JSON array', () => key.signRaw('["RS256"]', payload()), 'ERR_TOKEN_MALFORMED'],
    ['payload not JSON', () => key.signRaw(header(), 'plain text'), 'ERR_TOKEN_MALFORMED'],
    ['payload a JSON array', () => key.signRaw(header(), '[1,2]'), 'ERR_TOKEN_MALFORMED'],
    ['non-canonical signature encoding', () => swapLastChar(token()), 'ERR_TOKEN_MALFORMED'],
    // Header members that would let the token choose its own key or semantics
    ['jku', () => token({}, { jku: 'https://evil.test/jwks' }), 'ERR_HEADER_REFUSED'],
    ['x5u', () => token({}, { x5u: 'https://evil.test/cert' }), 'ERR_HEADER_REFUSED'],
    ['embedded jwk', () => token({}, { jwk: key.jwk() }), 'ERR_HEADER_REFUSED'],
    ['x5c', () => token({}, { x5c: ['MIIB'] }), 'ERR_HEADER_REFUSED'],
    ['crit', () => token({}, { crit: ['exp'], exp: 1 }), 'ERR_HEADER_REFUSED'],
    ['b64 false', () => token({}, { b64: false, crit: ['b64'] }), 'ERR_HEADER_REFUSED'],
    ['zip', () => token({}, { zip: 'DEF' }), 'ERR_HEADER_REFUSED'],
    ['kid missing', () => token({}, { kid: undefined }), 'ERR_HEADER_REFUSED'],
    ['kid not a string', () => token({}, { kid: 7 }), 'ERR_HEADER_REFUSED'],
    ['kid with a path', () => token({}, { kid: '../../etc/passwd' }), 'ERR_HEADER_REFUSED'],
    ['alg missing', () => token({}, { alg: undefined }), 'ERR_HEADER_REFUSED'],
    ['typ missing', () => token({}, { typ: undefined }), 'ERR_TYP_MISMATCH'],
    ['typ JWT', () => token({}, { typ: 'JWT' }), 'ERR_TYP_MISMATCH'],
    // Algorithm: from the allow-list and the key, never from the token
    ['alg none with a signature', () => token({}, { alg: 'none' }), 'ERR_ALG_NOT_ALLOWED'],
    ['alg NoNe', () => token({}, { alg: 'NoNe' }), 'ERR_ALG_NOT_ALLOWED'],
    ['HS256 keyed with the public key', () => hmacToken(header({ alg: 'HS256' }), payload(), key), 'ERR_ALG_NOT_ALLOWED'],
    ['an algorithm outside the allow-list', () => token({}, { alg: 'PS512' }), 'ERR_ALG_NOT_ALLOWED'],
    ["an allowed algorithm other than the key's", () => token({}, { alg: alg === 'RS256' ? 'EdDSA' : 'RS256' }), 'ERR_ALG_NOT_ALLOWED'],
    ["this key's alg under another key's kid", () => token({}, { kid: otherAlgKey.kid }), 'ERR_ALG_NOT_ALLOWED'],
    // Key and signature
    ['unknown kid', () => token({}, { kid: 'no-such-kid' }), 'ERR_KID_UNKNOWN'],
    ['signed by another key under the same kid', () => impostor.token(base, claims()), 'ERR_SIGNATURE_INVALID'],
    ['payload swapped after signing', () => swapPayload(token(), { ...payload(), roles: ['admin'] }), 'ERR_SIGNATURE_INVALID'],
    ['signature truncated', () => truncateSignature(token()), 'ERR_SIGNATURE_INVALID'],
    ['signature of another token', () => `${token().split('.').slice(0, 2).join('.')}.${token({ sub: 'x' }).split('.')[2]}`, 'ERR_SIGNATURE_INVALID'],
    // Claims
    ['another issuer', () => token({ iss: 'https://evil.test' }), 'ERR_ISSUER_MISMATCH'],
    ['issuer with a trailing slash', () => token({ iss: `${ISS}/` }), 'ERR_ISSUER_MISMATCH'],
    ['another audience', () => token({ aud: 'billing-api' }), 'ERR_AUDIENCE_MISMATCH'],
    ['audience list without ours', () => token({ aud: ['billing-api', 'payments-api'] }), 'ERR_AUDIENCE_MISMATCH'],
    ['expired beyond the tolerance', () => token({ iat: NOW - 400, exp: NOW - TOLERANCE }), 'ERR_TOKEN_EXPIRED'],
    ['nbf beyond the tolerance', () => token({ nbf: NOW + TOLERANCE + 1 }), 'ERR_TOKEN_NOT_YET_VALID'],
    ['iat beyond the tolerance', () => token({ iat: NOW + TOLERANCE + 1, exp: NOW + 600 }), 'ERR_TOKEN_NOT_YET_VALID'],
    ...(['iss', 'sub', 'aud', 'exp', 'iat', 'jti'] as const).map((claim): [string, () => string, VerificationFailure] => [
      `${claim} missing`,
      () => token({ [claim]: undefined }),
      'ERR_CLAIMS_INVALID',
    ]),
    ['aud empty list', () => token({ aud: [] }), 'ERR_CLAIMS_INVALID'],
    ['aud a number', () => token({ aud: 42 }), 'ERR_CLAIMS_INVALID'],
    ['exp a string', () => token({ exp: String(NOW + 100) }), 'ERR_CLAIMS_INVALID'],
    ['exp fractional', () => token({ exp: NOW + 100.5 }), 'ERR_CLAIMS_INVALID'],
    ['exp not after iat', () => token({ iat: NOW, exp: NOW }), 'ERR_CLAIMS_INVALID'],
    ['nbf a string', () => token({ nbf: 'now' }), 'ERR_CLAIMS_INVALID'],
    ['sub empty', () => token({ sub: '' }), 'ERR_CLAIMS_INVALID'],
    ['sub a number', () => token({ sub: 12 }), 'ERR_CLAIMS_INVALID'],
    ['jti an object', () => token({ jti: { a: 1 } }), 'ERR_CLAIMS_INVALID'],
    ['roles a string', () => token({ roles: 'admin' }), 'ERR_CLAIMS_INVALID'],
    ['roles with a non-string', () => token({ roles: ['user', 1] }), 'ERR_CLAIMS_INVALID'],
    ['scope an array', () => token({ scope: ['a'] }), 'ERR_CLAIMS_INVALID'],
    ['client_id a number', () => token({ client_id: 5 }), 'ERR_CLAIMS_INVALID'],
    ['act a string', () => token({ act: 'orders-api' }), 'ERR_CLAIMS_INVALID'],
    ['act an array', () => token({ act: [{ sub: 'orders-api' }] }), 'ERR_CLAIMS_INVALID'],
    ['act null', () => token({ act: null }), 'ERR_CLAIMS_INVALID'],
    ['act without sub', () => token({ act: { client_id: 'orders-api' } }), 'ERR_CLAIMS_INVALID'],
    ['act with a numeric sub', () => token({ act: { sub: 7 } }), 'ERR_CLAIMS_INVALID'],
    ['act with an empty sub', () => token({ act: { sub: '' } }), 'ERR_CLAIMS_INVALID'],
    ['a nested act malformed', () => token({ act: { sub: 'billing-api', act: { sub: ['orders-api'] } } }), 'ERR_CLAIMS_INVALID'],
    ['an actor chain past the depth limit', () => token({ act: nestedActors(9) }), 'ERR_CLAIMS_INVALID'],
  ];
  it.each(refused)('refuses: %s', async (_name, build, code) => {
    expect(await codeOf(verifier.verify(build()))).toBe(code);
  });

  if (alg === 'ES256') {
    it('refuses an ECDSA signature in DER form (JWS needs raw r||s)', async () => {
      const input = `${b64(header())}.${b64(payload())}`;
      const der = sign('sha256', Buffer.from(input), key.privateKey).toString('base64url');
      expect(await codeOf(verifier.verify(`${input}.${der}`))).toBe('ERR_SIGNATURE_INVALID');
    });
  }
});

describe('AccessTokenVerifier allow-list and key sources', () => {
  const rsa = LocalKey.generate('RS256');
  const ec = LocalKey.generate('ES256');
  const base = { iss: ISS, aud: AUD };
  const policy = { issuer: ISS, audience: AUD, clockToleranceSeconds: 0 };

  it('refuses an algorithm the JWKS publishes but the allow-list does not name', async () => {
    const verifier = new AccessTokenVerifier(new StaticKeys([asKey(rsa), asKey(ec)]), { ...policy, algorithms: ['RS256'] });
    expect(await codeOf(verifier.verify(rsa.token(base)))).toBe('accepted');
    expect(await codeOf(verifier.verify(ec.token(base)))).toBe('ERR_ALG_NOT_ALLOWED');
  });

  it('with a list of audiences, accepts a token naming any one of them and refuses one naming none', async () => {
    const verifier = new AccessTokenVerifier(new StaticKeys([asKey(rsa)]), { ...policy, audience: ['orders-api', 'billing-api'], algorithms: ['RS256'] });
    expect(await codeOf(verifier.verify(rsa.token({ ...base, aud: 'billing-api' })))).toBe('accepted');
    expect(await codeOf(verifier.verify(rsa.token({ ...base, aud: ['payments-api', 'orders-api'] })))).toBe('accepted');
    expect(await codeOf(verifier.verify(rsa.token({ ...base, aud: ['payments-api'] })))).toBe('ERR_AUDIENCE_MISMATCH');
  });

  it('passes a key source failure through with its code', async () => {
    const failing: KeySource = {
      getKey: async () => Promise.reject(new VerificationError('ERR_KEYS_UNAVAILABLE')),
      isReady: () => false,
      algorithms: () => new Set(),
    };
    const verifier = new AccessTokenVerifier(failing, { ...policy, algorithms: ['RS256'] });
    expect(await codeOf(verifier.verify(rsa.token(base)))).toBe('ERR_KEYS_UNAVAILABLE');
  });

  it('accepts PS256 when allowed, with salt length equal to the digest', async () => {
    const pss = LocalKey.generate('PS256');
    const verifier = new AccessTokenVerifier(new StaticKeys([asKey(pss)]), { ...policy, algorithms: ['PS256'] });
    expect(await codeOf(verifier.verify(pss.token(base)))).toBe('accepted');
  });

  const unfit: [string, VerificationKey][] = [
    ['an EC key published as RS256', { kid: 'k', alg: 'RS256', key: ec.publicKey }],
    ['a P-384 key published as ES256', { kid: 'k', alg: 'ES256', key: generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey }],
    ['a 1024-bit RSA key', { kid: 'k', alg: 'RS256', key: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey }],
    ['a private key where a public one belongs', { kid: 'k', alg: 'RS256', key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }],
    ['an Ed448 key published as EdDSA', { kid: 'k', alg: 'EdDSA', key: generateKeyPairSync('ed448').publicKey }],
  ];
  it.each(unfit)('refuses a key unfit for its algorithm: %s', async (_name, unfitKey) => {
    const verifier = new AccessTokenVerifier(new StaticKeys([unfitKey]), { ...policy, algorithms: ['RS256', 'ES256', 'EdDSA'] });
    const token = rsa.token(base, {}, { alg: unfitKey.alg, kid: 'k' });
    expect(await codeOf(verifier.verify(token))).toBe('ERR_ALG_NOT_ALLOWED');
  });
});

function hmacToken(header: Record<string, unknown>, payload: Record<string, unknown>, key: LocalKey): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const secret = key.publicKey.export({ format: 'pem', type: 'spki' });
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

function swapPayload(token: string, payload: Record<string, unknown>): string {
  const [h, , s] = token.split('.');
  return `${h}.${b64(payload)}.${s}`;
}

function truncateSignature(token: string): string {
  const [h, p, s] = token.split('.');
  return `${h}.${p}.${Buffer.from(s, 'base64url').subarray(0, -3).toString('base64url')}`;
}

describe('AccessTokenVerifier answers from memory', () => {
  const key = LocalKey.generate('ES256');
  let held: VerificationKey | undefined = asKey(key);
  const keys: KeySource = {
    getKey: async () => held,
    heldKey: () => held,
    isReady: () => true,
    algorithms: () => new Set(['ES256']),
  };
  const policy = { issuer: ISS, audience: AUD, algorithms: ['ES256'], clockToleranceSeconds: TOLERANCE, now: () => NOW * 1000, cacheSize: 10 };
  const token = (sub = 'alice') => key.token({ iss: ISS, aud: AUD }, { sub, iat: NOW - 10, exp: NOW + 290 });

  beforeEach(() => (held = asKey(key)));

  it('gives a copy of the claims of a token verified before, while the key source still holds its key', async () => {
    const verifier = new AccessTokenVerifier(keys, policy);
    const good = token();
    expect(verifier.verdictFromMemory(good)).toBeUndefined();
    const verified = await verifier.verify(good);
    const remembered = verifier.verdictFromMemory(good) as { sub: string };
    expect(remembered).toEqual(verified);
    remembered.sub = 'mallory';
    expect(verifier.verdictFromMemory(good)).toMatchObject({ sub: 'alice' });
  });

  it('gives the error of a lasting refusal, for as long as the key that refused it is held', async () => {
    const verifier = new AccessTokenVerifier(keys, policy);
    const forged = `${token('bob').slice(0, -4)}AAAA`;
    await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
    expect(verifier.verdictFromMemory(forged)).toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
    expect(verifier.verdictFromMemory(forged)).toBeInstanceOf(VerificationError);
    held = { ...asKey(key) };
    expect(verifier.verdictFromMemory(forged)).toBeUndefined();
  });

  it('gives nothing once the key is gone or replaced, or without a cache or a synchronous key source', async () => {
    const verifier = new AccessTokenVerifier(keys, policy);
    const good = token();
    await verifier.verify(good);
    held = { ...asKey(key) };
    expect(verifier.verdictFromMemory(good)).toBeUndefined();
    held = undefined;
    expect(verifier.verdictFromMemory(good)).toBeUndefined();
    held = asKey(key);

    const uncached = new AccessTokenVerifier(keys, { ...policy, cacheSize: 0 });
    await uncached.verify(good);
    expect(uncached.verdictFromMemory(good)).toBeUndefined();
    const asyncOnly = new AccessTokenVerifier({ ...keys, heldKey: undefined }, policy);
    await asyncOnly.verify(good);
    expect(asyncOnly.verdictFromMemory(good)).toBeUndefined();
  });
});
