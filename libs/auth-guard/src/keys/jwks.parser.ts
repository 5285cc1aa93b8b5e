import { createPublicKey } from 'node:crypto';
import { isKnownAlgorithm, JWS_ALGORITHMS, MIN_RSA_MODULUS_BITS } from '../verify/jws-algorithms';
import { IssuerFetchError } from '../issuer/issuer-fetch.error';
import type { VerificationKey } from './key-source';

/** A JWKS entry carrying any of these holds secret material and must never have been published. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_KEYS = 100;
const KID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Turns a JWKS document into verification keys. Every key must name its `alg`, and the key must suit it
 * (type, curve, size, per the algorithm table); anything odd drops that key, not the set.
 */
export function parseJwks(body: unknown): Map<string, VerificationKey> {
  const list = (body as { keys?: unknown })?.keys;
  if (!Array.isArray(list)) throw new IssuerFetchError('ERR_JWKS_MALFORMED', 'JWKS has no keys array');
  const keys = new Map<string, VerificationKey>();
  const seen = new Set<string>();
  for (const jwk of list.slice(0, MAX_KEYS) as unknown[]) {
    const key = toVerificationKey(jwk);
    if (!key) continue;
    // Two keys under one kid are ambiguous; trust neither.
    if (seen.has(key.kid)) keys.delete(key.kid);
    else keys.set(key.kid, key);
    seen.add(key.kid);
  }
  return keys;
}

function toVerificationKey(value: unknown): VerificationKey | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const jwk = value as Record<string, unknown>;
  if (typeof jwk.kid !== 'string' || !KID.test(jwk.kid) || typeof jwk.alg !== 'string' || !isKnownAlgorithm(jwk.alg)) return undefined;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return undefined;
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) return undefined;
  const spec = JWS_ALGORITHMS[jwk.alg];
  try {
    const key = createPublicKey({ key: jwk as never, format: 'jwk' });
    const details = key.asymmetricKeyDetails ?? {};
    if (key.asymmetricKeyType !== spec.keyType) return undefined;
    if (spec.curve && details.namedCurve !== spec.curve) return undefined;
    if (spec.keyType === 'rsa' && (details.modulusLength ?? 0) < MIN_RSA_MODULUS_BITS) return undefined;
    return { kid: jwk.kid, alg: jwk.alg, key };
  } catch {
    return undefined;
  }
}
