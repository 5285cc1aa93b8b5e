import { AccessTokenClaims, MAX_ACTOR_CHAIN_DEPTH, REQUIRED_ACCESS_TOKEN_CLAIMS } from '@app/contract';
import { VerificationError } from './verification.error';

export interface ClaimsPolicy {
  /** Exact `iss`. */
  issuer: string;
  /** Must be among the token's `aud`; of a list, any one will do. */
  audience: string | readonly string[];
  clockToleranceSeconds: number;
}

const MAX_ROLES = 64;
const MAX_AUDIENCES = 32;

/** NumericDates are whole seconds since 1970; a negative or fractional one is no time this issuer writes. */
const isTime = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isShortString = (value: unknown, max: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;

/**
 * RFC 8693 §4.1 `act`: an object with a string `sub`, optionally an `act` of the same shape, at most
 * MAX_ACTOR_CHAIN_DEPTH deep. Other members identify the actor further and are left alone.
 */
function isActor(value: unknown, depth = 1): boolean {
  if (depth > MAX_ACTOR_CHAIN_DEPTH || typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { sub, act } = value as Record<string, unknown>;
  return isShortString(sub, 256) && (act === undefined || isActor(act, depth + 1));
}

/**
 * RFC 9068 §4 claim checks on a signature-verified payload: required claims and their types,
 * then issuer, audience and the time window with a small tolerance.
 */
export function checkClaims(payload: Record<string, unknown>, policy: ClaimsPolicy, nowSeconds: number): AccessTokenClaims {
  const bad = (claim: string) => new VerificationError('ERR_CLAIMS_INVALID', claim);
  for (const claim of REQUIRED_ACCESS_TOKEN_CLAIMS) if (!Object.prototype.hasOwnProperty.call(payload, claim)) throw bad(`missing ${claim}`);
  const { iss, sub, aud, jti, iat, exp, nbf, roles = [], scope = '', client_id: clientId, act } = payload;

  if (typeof iss !== 'string') throw bad('iss');
  if (!isShortString(sub, 256)) throw bad('sub');
  if (!isShortString(jti, 128)) throw bad('jti');
  if (!isTime(iat) || !isTime(exp) || (nbf !== undefined && !isTime(nbf))) throw bad('iat/exp/nbf');
  if (exp <= iat) throw bad('exp not after iat');
  const audiences = typeof aud === 'string' ? [aud] : aud;
  if (!Array.isArray(audiences) || audiences.length === 0 || audiences.length > MAX_AUDIENCES || !audiences.every((a) => typeof a === 'string'))
    throw bad('aud');
  if (!Array.isArray(roles) || roles.length > MAX_ROLES || !roles.every((r) => typeof r === 'string')) throw bad('roles');
  if (typeof scope !== 'string') throw bad('scope');
  if (clientId !== undefined && !isShortString(clientId, 256)) throw bad('client_id');
  if (act !== undefined && !isActor(act)) throw bad('act');

  if (iss !== policy.issuer) throw new VerificationError('ERR_ISSUER_MISMATCH');
  const accepted: readonly string[] = typeof policy.audience === 'string' ? [policy.audience] : policy.audience;
  if (!audiences.some((a) => accepted.includes(a))) throw new VerificationError('ERR_AUDIENCE_MISMATCH');
  const tolerance = policy.clockToleranceSeconds;
  if (nowSeconds - tolerance >= exp) throw new VerificationError('ERR_TOKEN_EXPIRED');
  if (nbf !== undefined && nbf > nowSeconds + tolerance) throw new VerificationError('ERR_TOKEN_NOT_YET_VALID', 'nbf');
  if (iat > nowSeconds + tolerance) throw new VerificationError('ERR_TOKEN_NOT_YET_VALID', 'iat');
  return { ...payload, roles, scope } as AccessTokenClaims;
}
