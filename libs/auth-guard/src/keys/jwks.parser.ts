import { createPublicKey } from 'node:crypto';
import type { VerificationKey } from './key-source';

/** Algorithm per key type, as a table; a JWK whose alg disagrees with its type is skipped. */
const ALGS_BY_KTY: Record<string, (jwk: Record<string, unknown>) => string[]> = {
  RSA: () => ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  EC: (jwk) => (({ 'P-256': ['ES256'], 'P-384': ['ES384'], 'P-521': ['ES512'] }) as Record<string, string[]>)[String(jwk.crv)] ?? [],
  OKP: (jwk) => (jwk.crv === 'Ed25519' ? ['EdDSA', 'Ed25519'] : []),
};

const MIN_RSA_BITS = 2048;

/** Turns a JWKS document into verification keys; anything odd about a key drops that key, not the set. */
export function parseJwks(body: unknown): Map<string, VerificationKey> {
  const keys = new Map<string, VerificationKey>();
  const list = (body as { keys?: unknown })?.keys;
  if (!Array.isArray(list)) throw new Error('JWKS has no keys array');
  for (const jwk of list as Record<string, unknown>[]) {
    const key = toVerificationKey(jwk);
    if (key && !keys.has(key.kid)) keys.set(key.kid, key);
  }
  return keys;
}

function toVerificationKey(jwk: Record<string, unknown>): VerificationKey | undefined {
  if (!jwk || typeof jwk !== 'object' || typeof jwk.kid !== 'string' || typeof jwk.alg !== 'string') return undefined;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if ('d' in jwk || 'k' in jwk) return undefined;
  const allowed = ALGS_BY_KTY[String(jwk.kty)]?.(jwk) ?? [];
  if (!allowed.includes(jwk.alg)) return undefined;
  try {
    const key = createPublicKey({ key: jwk as never, format: 'jwk' });
    if (jwk.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) return undefined;
    return { kid: jwk.kid, alg: jwk.alg, key };
  } catch {
    return undefined;
  }
}
