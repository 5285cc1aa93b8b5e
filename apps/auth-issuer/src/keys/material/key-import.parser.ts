import { createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import type { SigningAlgorithm } from '../../config/issuer.config';
import { IssuerError } from '../../errors/issuer.error';

export interface ImportKeyRequest {
  kid?: string;
  /** PEM text (PKCS#8, PKCS#1 or SEC1) or a private JWK, as an object or its JSON text. */
  key: string | Record<string, unknown>;
  alg?: string;
  /** Sign with it at once instead of entering as the next (pending) key. */
  activate: boolean;
}

export interface ImportedKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
}

/** Same shape the guard accepts in a token header; any other kid could never be verified. */
const KID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const MAX_RSA_BITS = 8192;
const MIN_RSA_BITS = 2048;

const invalid = (description: string) => new IssuerError('invalid_key', description);
const weak = (description: string) => new IssuerError('weak_key', description);

/** Which keys may sign, and with which algorithm: one row per key type. */
const KEY_TYPES: Record<string, (key: KeyObject) => SigningAlgorithm> = {
  rsa: (key) => {
    const { modulusLength = 0, publicExponent = 0n } = key.asymmetricKeyDetails ?? {};
    if (modulusLength < MIN_RSA_BITS) throw weak(`RSA key has ${modulusLength} bits; at least ${MIN_RSA_BITS} are required`);
    if (modulusLength > MAX_RSA_BITS) throw invalid(`RSA keys above ${MAX_RSA_BITS} bits are not accepted`);
    if (publicExponent < 65537n) throw weak('RSA public exponent must be at least 65537');
    return 'RS256';
  },
  ec: (key) => {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve !== 'prime256v1') throw invalid(`curve ${curve ?? 'unknown'} is not supported; use P-256`);
    return 'ES256';
  },
  ed25519: () => 'EdDSA',
};

const DIGEST: Record<SigningAlgorithm, string | null> = { RS256: 'sha256', ES256: 'sha256', EdDSA: null };

export function parseImportKeyRequest(body: unknown): ImportKeyRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new IssuerError('invalid_request', 'body must be a JSON object');
  const { kid, key, alg, activate = false } = body as Record<string, unknown>;
  if (kid !== undefined && typeof kid !== 'string') throw new IssuerError('invalid_request', 'kid must be a string');
  if (alg !== undefined && typeof alg !== 'string') throw new IssuerError('invalid_request', 'alg must be a string');
  if (typeof activate !== 'boolean') throw new IssuerError('invalid_request', 'activate must be a boolean');
  if (typeof key !== 'string' && (key === null || typeof key !== 'object' || Array.isArray(key))) {
    throw new IssuerError('invalid_request', 'key must be PEM text or a JWK object');
  }
  return { kid, key: key as ImportKeyRequest['key'], alg, activate };
}

/**
 * Reads a private key and decides whether it may sign. Refusals say what is wrong with the key
 * and never echo any of it.
 */
export function readImportedKey(request: ImportKeyRequest): ImportedKey {
  const jwk = asJwk(request.key);
  const privateKey = jwk ? fromJwk(jwk) : fromPem(request.key as string);
  const rule = KEY_TYPES[privateKey.asymmetricKeyType ?? ''];
  if (!rule) throw invalid(`${privateKey.asymmetricKeyType} keys are not supported; use RSA, P-256 or Ed25519`);
  const alg = rule(privateKey);
  for (const [source, named] of [
    ['alg', request.alg],
    ['JWK alg', jwk?.alg],
  ] as const) {
    if (named !== undefined && named !== alg)
      throw invalid(`${source} ${typeof named === 'string' ? named : `(a ${typeof named})`} does not match the key, which signs ${alg}`);
  }
  const kid = request.kid ?? (typeof jwk?.kid === 'string' ? jwk.kid : undefined);
  if (kid === undefined) throw new IssuerError('invalid_request', 'kid is required');
  if (!KID_PATTERN.test(kid)) throw new IssuerError('invalid_request', 'kid must be 1-128 of A-Z a-z 0-9 . _ -');
  if (jwk?.kid !== undefined && jwk.kid !== kid) throw invalid('JWK kid differs from the kid given');
  assertConsistent(privateKey, alg);
  return { kid, alg, privateKey };
}

function asJwk(key: ImportKeyRequest['key']): Record<string, unknown> | undefined {
  if (typeof key !== 'string') return key;
  if (!key.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(key);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // falls through to the refusal below
  }
  throw invalid('key is neither PEM nor a JWK object');
}

function fromJwk(jwk: Record<string, unknown>): KeyObject {
  if (typeof jwk.kty !== 'string') throw invalid('JWK has no kty');
  if (jwk.kty === 'oct') throw invalid('symmetric keys cannot sign access tokens');
  if (typeof jwk.d !== 'string') throw invalid('JWK holds no private key (d)');
  if (jwk.use !== undefined && jwk.use !== 'sig') throw invalid('JWK use must be sig');
  try {
    return createPrivateKey({ key: jwk as never, format: 'jwk' });
  } catch {
    throw invalid('JWK is not a valid private key');
  }
}

function fromPem(pem: string): KeyObject {
  if (!pem.includes('-----BEGIN')) throw invalid('key is neither PEM nor a JWK object');
  if (/-----BEGIN (ENCRYPTED PRIVATE KEY|[A-Z ]*PRIVATE KEY-----[\s\S]*Proc-Type: 4,ENCRYPTED)/.test(pem)) {
    throw invalid('encrypted PEM is not accepted; decrypt it first (on the operator machine)');
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) throw invalid('PEM holds no private key');
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw invalid('PEM is not a valid private key');
  }
}

/** A signature made with the private half must verify under the public half: catches mixed-up JWK members. */
function assertConsistent(privateKey: KeyObject, alg: SigningAlgorithm): void {
  const probe = Buffer.from('key-import-probe');
  try {
    const signature = sign(DIGEST[alg], probe, privateKey);
    if (verify(DIGEST[alg], probe, createPublicKey(privateKey), signature)) return;
  } catch {
    // refused below
  }
  throw invalid('private and public parts of the key do not match');
}
