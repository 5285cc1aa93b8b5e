import { ConfigError } from '@app/platform/config.error';
import { AuthGuardOptions, GUARD_DEFAULTS } from './auth-guard.options';
import { isKnownAlgorithm } from './verify/jws-algorithms';

// Nest-free, so the plain-Node entry checks its options with the very same rules.
export type ResolvedGuardOptions = AuthGuardOptions & Required<Pick<AuthGuardOptions, keyof typeof GUARD_DEFAULTS>>;

const POSITIVE = ['fetchTimeoutMs', 'unknownKidCooldownMs', 'jwksRefreshIntervalMs', 'retryAfterSeconds'] as const;

/** Defaults filled in and the options checked once, at start: a bad option stops the app naming it. */
export function resolveOptions(options: AuthGuardOptions): ResolvedGuardOptions {
  const defined = Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined));
  const resolved = { ...GUARD_DEFAULTS, algorithms: [...GUARD_DEFAULTS.algorithms], ...defined } as ResolvedGuardOptions;
  const fail = (option: string, problem: string) => new ConfigError(`AuthGuardModule.${option}`, problem);
  if (typeof resolved.issuer !== 'string' || !/^https?:\/\/\S+$/.test(resolved.issuer)) throw fail('issuer', 'must be an http(s) URL');
  if (typeof resolved.audience !== 'string' || resolved.audience.length === 0) throw fail('audience', 'is required');
  if (!Array.isArray(resolved.algorithms) || resolved.algorithms.length === 0) throw fail('algorithms', 'must list at least one algorithm');
  // Only asymmetric JWS algorithms are in the table: none and HMAC can never be allowed.
  const unknown = resolved.algorithms.find((alg) => !isKnownAlgorithm(alg));
  if (unknown !== undefined) throw fail('algorithms', `"${unknown}" is not an asymmetric JWS algorithm`);
  for (const name of POSITIVE) if (!(Number.isFinite(resolved[name]) && resolved[name] > 0)) throw fail(name, 'must be a positive number');
  if (!(Number.isInteger(resolved.clockToleranceSeconds) && resolved.clockToleranceSeconds >= 0 && resolved.clockToleranceSeconds <= 300)) throw fail('clockToleranceSeconds', 'must be 0..300');
  return resolved;
}
