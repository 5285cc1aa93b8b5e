import { constants } from 'node:crypto';

/**
 * What each JWS algorithm demands of its key and signature (RFC 7518 §3, RFC 8037).
 * One row per algorithm; verification code never branches on names.
 */
export interface JwsAlgorithm {
  /** `KeyObject.asymmetricKeyType` the key must have. */
  keyType: 'rsa' | 'ec' | 'ed25519';
  /** Digest for node:crypto verify; null for EdDSA, which hashes internally. */
  hash: string | null;
  /** EC only: the curve the key must be on (OpenSSL name). */
  curve?: string;
  /** Fixed signature length in bytes (EC raw r||s, Ed25519); RSA signatures must match the modulus. */
  signatureBytes?: number;
  /** RSASSA-PSS with salt length equal to the digest (RFC 7518 §3.5). */
  pss?: boolean;
}

export const JWS_ALGORITHMS: Readonly<Record<string, JwsAlgorithm>> = {
  RS256: { keyType: 'rsa', hash: 'sha256' },
  RS384: { keyType: 'rsa', hash: 'sha384' },
  RS512: { keyType: 'rsa', hash: 'sha512' },
  PS256: { keyType: 'rsa', hash: 'sha256', pss: true },
  PS384: { keyType: 'rsa', hash: 'sha384', pss: true },
  PS512: { keyType: 'rsa', hash: 'sha512', pss: true },
  ES256: { keyType: 'ec', hash: 'sha256', curve: 'prime256v1', signatureBytes: 64 },
  ES384: { keyType: 'ec', hash: 'sha384', curve: 'secp384r1', signatureBytes: 96 },
  ES512: { keyType: 'ec', hash: 'sha512', curve: 'secp521r1', signatureBytes: 132 },
  EdDSA: { keyType: 'ed25519', hash: null, signatureBytes: 64 },
  Ed25519: { keyType: 'ed25519', hash: null, signatureBytes: 64 },
};

/** RSA keys below this size are refused for verification (RFC 7518 §3.3). */
export const MIN_RSA_MODULUS_BITS = 2048;

export const PSS_OPTIONS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } as const;

export function isKnownAlgorithm(alg: string): boolean {
  return Object.prototype.hasOwnProperty.call(JWS_ALGORITHMS, alg);
}
