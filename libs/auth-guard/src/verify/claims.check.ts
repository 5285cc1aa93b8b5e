import type { AccessTokenClaims } from '@app/contract';
import { VerificationError } from './verification.error';

const MAX_ROLES = 64;

/** Type checks jose leaves to us: string subject and id, sane times, roles as an array of strings. */
export function checkClaimShapes(payload: Record<string, unknown>, nowSeconds: number, toleranceSeconds: number): AccessTokenClaims {
  const { sub, jti, iat, exp, nbf, roles = [], scope = '' } = payload;
  const bad = (claim: string) => new VerificationError('ERR_CLAIMS_INVALID', claim);
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256) throw bad('sub');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 128) throw bad('jti');
  // NumericDates are whole seconds since 1970; a negative or fractional one is no time this issuer writes.
  if (!isNumericDate(iat) || !isNumericDate(exp)) throw bad('iat/exp');
  if (nbf !== undefined && !isNumericDate(nbf)) throw bad('nbf');
  if ((iat as number) > nowSeconds + toleranceSeconds) throw new VerificationError('ERR_TOKEN_NOT_YET_VALID', 'iat in the future');
  if ((exp as number) <= (iat as number)) throw bad('exp before iat');
  if (!Array.isArray(roles) || roles.length > MAX_ROLES || !roles.every((r) => typeof r === 'string')) throw bad('roles');
  if (typeof scope !== 'string') throw bad('scope');
  return payload as unknown as AccessTokenClaims;
}

function isNumericDate(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
