import { KeyObject, verify } from 'node:crypto';
import { isKnownAlgorithm, JWS_ALGORITHMS, MIN_RSA_MODULUS_BITS, PSS_OPTIONS } from './jws-algorithms';
import { VerificationError } from './verification.error';

/**
 * Checks a JWS signature with node:crypto directly; jose's jwtVerify goes through WebCrypto's async path
 * and costs several times a bare crypto.verify (figures: bench/guard-verify.ts).
 * The key must suit the algorithm exactly: type, curve, size and signature length are checked
 * before OpenSSL sees anything, so a key can never be used under an algorithm it was not made for.
 */
export function checkSignature(alg: string, key: KeyObject, signingInput: string, signature: Buffer): void {
  if (!isKnownAlgorithm(alg)) throw new VerificationError('ERR_ALG_NOT_ALLOWED', 'unknown algorithm');
  const spec = JWS_ALGORITHMS[alg];
  if (key.type !== 'public' || key.asymmetricKeyType !== spec.keyType)
    throw new VerificationError('ERR_ALG_NOT_ALLOWED', `${alg} with a ${key.asymmetricKeyType} key`);
  const details = key.asymmetricKeyDetails ?? {};
  if (spec.curve && details.namedCurve !== spec.curve) throw new VerificationError('ERR_ALG_NOT_ALLOWED', `${alg} with curve ${details.namedCurve}`);
  if (spec.keyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_MODULUS_BITS) throw new VerificationError('ERR_ALG_NOT_ALLOWED', 'RSA key too small');
    if (signature.length !== Math.ceil(bits / 8)) throw new VerificationError('ERR_SIGNATURE_INVALID', 'length');
  }
  if (spec.signatureBytes !== undefined && signature.length !== spec.signatureBytes) throw new VerificationError('ERR_SIGNATURE_INVALID', 'length');

  let valid: boolean;
  try {
    const keyInput = spec.keyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' as const } : spec.pss ? { key, ...PSS_OPTIONS } : key;
    valid = verify(spec.hash, Buffer.from(signingInput, 'ascii'), keyInput, signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new VerificationError('ERR_SIGNATURE_INVALID');
}
