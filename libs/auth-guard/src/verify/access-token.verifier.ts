import { errors, jwtVerify } from 'jose';
import { ACCESS_TOKEN_TYPE, AccessTokenClaims } from '@app/contract';
import type { KeySource } from '../keys/key-source';
import { readAccessTokenHeader } from './jws-header';
import { VerificationError, VerificationFailure } from './verification.error';
import { checkClaimShapes } from './claims.check';
import { assertStrictJson, PAYLOAD_MAX_DEPTH, payloadJson } from './strict-segments';

export interface VerifierPolicy {
  issuer: string;
  audience: string;
  /** Allow-list; intersected with the algorithms the JWKS actually publishes. */
  algorithms: readonly string[];
  clockToleranceSeconds: number;
  now?: () => number;
}

const JOSE_CODES: Record<string, VerificationFailure> = {
  ERR_JWT_EXPIRED: 'ERR_TOKEN_EXPIRED',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'ERR_SIGNATURE_INVALID',
  ERR_JWS_INVALID: 'ERR_TOKEN_MALFORMED',
  ERR_JWT_INVALID: 'ERR_CLAIMS_INVALID',
  ERR_JOSE_ALG_NOT_ALLOWED: 'ERR_ALG_NOT_ALLOWED',
};

/** Verifies an access token against an allow-list; every refusal is a VerificationError with a code. */
export class AccessTokenVerifier {
  constructor(
    private readonly keys: KeySource,
    private readonly policy: VerifierPolicy,
  ) {}

  async verify(token: string): Promise<AccessTokenClaims> {
    const header = readAccessTokenHeader(token);
    if (!this.policy.algorithms.includes(header.alg)) throw new VerificationError('ERR_ALG_NOT_ALLOWED', header.alg);
    const key = await this.keys.getKey(header.kid);
    if (!key) throw new VerificationError('ERR_KID_UNKNOWN');
    // The key decides the algorithm; a header naming another one is refused, never obeyed.
    if (key.alg !== header.alg) throw new VerificationError('ERR_ALG_NOT_ALLOWED', `${header.alg} for a ${key.alg} key`);
    const nowSeconds = Math.floor((this.policy.now?.() ?? Date.now()) / 1000);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, key.key, {
        algorithms: [key.alg],
        issuer: this.policy.issuer,
        audience: this.policy.audience,
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: this.policy.clockToleranceSeconds,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'],
        currentDate: new Date(nowSeconds * 1000),
        crit: {},
      }));
    } catch (error) {
      throw mapJoseError(error);
    }
    // Only once the signature holds: unauthenticated bytes never reach this scan.
    assertStrictJson(payloadJson(token), PAYLOAD_MAX_DEPTH);
    return checkClaimShapes(payload, nowSeconds, this.policy.clockToleranceSeconds);
  }
}

function mapJoseError(error: unknown): VerificationError {
  if (error instanceof VerificationError) return error;
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return new VerificationError('ERR_ISSUER_MISMATCH');
    if (error.claim === 'aud') return new VerificationError('ERR_AUDIENCE_MISMATCH');
    if (error.claim === 'nbf' || error.claim === 'iat') return new VerificationError('ERR_TOKEN_NOT_YET_VALID');
    return new VerificationError('ERR_CLAIMS_INVALID', error.claim);
  }
  const code = (error as { code?: string })?.code;
  return new VerificationError(JOSE_CODES[code ?? ''] ?? 'ERR_TOKEN_MALFORMED', code);
}
