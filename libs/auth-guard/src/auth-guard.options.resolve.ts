import { ConfigError } from '@app/platform/config.error';
import { MAX_CLOCK_TOLERANCE_SECONDS } from '@app/contract';
import { AuthGuardOptions, GUARD_DEFAULTS } from './auth-guard.options';
import { isKnownAlgorithm } from './verify/jws-algorithms';

// Nest-free, so the plain-Node entry checks its options with the very same rules.
export type ResolvedGuardOptions = AuthGuardOptions & Required<Pick<AuthGuardOptions, keyof typeof GUARD_DEFAULTS>>;

const POSITIVE = [
  'fetchTimeoutMs',
  'unknownKidCooldownMs',
  'jwksRefreshIntervalMs',
  'jwksMaxStalenessMs',
  'retryAfterSeconds',
  'revocationFullReadIntervalMs',
] as const;

/** Defaults filled in and the options checked once, at start: a bad option stops the app naming it. */
export function resolveOptions(options: AuthGuardOptions): ResolvedGuardOptions {
  const defined = Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined));
  const resolved = { ...GUARD_DEFAULTS, algorithms: [...GUARD_DEFAULTS.algorithms], ...defined } as ResolvedGuardOptions;
  const fail = (option: string, problem: string) => new ConfigError(`AuthGuardModule.${option}`, problem);
  if (typeof resolved.issuer !== 'string' || !/^https?:\/\/\S+$/.test(resolved.issuer)) throw fail('issuer', 'must be an http(s) URL');
  const audiences: unknown[] = Array.isArray(resolved.audience) ? resolved.audience : [resolved.audience];
  if (audiences.length === 0 || !audiences.every((a) => typeof a === 'string' && a.length > 0))
    throw fail('audience', 'is required (a non-empty string or list of them)');
  if (resolved.realm !== undefined && (typeof resolved.realm !== 'string' || !/^[^"\\\x00-\x1f]+$/.test(resolved.realm)))
    throw fail('realm', 'must be a string without quotes or control characters');
  if (!Array.isArray(resolved.algorithms) || resolved.algorithms.length === 0) throw fail('algorithms', 'must list at least one algorithm');
  // Only asymmetric JWS algorithms are in the table: none and HMAC can never be allowed.
  const unknown = resolved.algorithms.find((alg) => !isKnownAlgorithm(alg));
  if (unknown !== undefined) throw fail('algorithms', `"${unknown}" is not an asymmetric JWS algorithm`);
  if (!(Number.isSafeInteger(resolved.verifiedTokenCacheSize) && resolved.verifiedTokenCacheSize >= 0))
    throw fail('verifiedTokenCacheSize', 'must be a whole number, 0 or more');
  for (const name of POSITIVE) if (!(Number.isFinite(resolved[name]) && resolved[name] > 0)) throw fail(name, 'must be a positive number');
  // Left unset, the bound follows slow refresh settings (three missed refreshes) instead of refusing them.
  if (defined.jwksMaxStalenessMs === undefined) {
    resolved.jwksMaxStalenessMs = Math.max(GUARD_DEFAULTS.jwksMaxStalenessMs, 3 * Math.max(resolved.jwksRefreshIntervalMs, resolved.unknownKidCooldownMs));
  }
  // Shorter than the refresh period, the set would go stale between two healthy refreshes.
  if (resolved.jwksMaxStalenessMs <= Math.max(resolved.jwksRefreshIntervalMs, resolved.unknownKidCooldownMs)) {
    throw fail('jwksMaxStalenessMs', 'must exceed jwksRefreshIntervalMs and unknownKidCooldownMs');
  }
  if (!(
    Number.isInteger(resolved.clockToleranceSeconds) &&
    resolved.clockToleranceSeconds >= 0 &&
    resolved.clockToleranceSeconds <= MAX_CLOCK_TOLERANCE_SECONDS
  )) {
    // Revocation entries outlive exp by a margin sized for this maximum (libs/contract): more would revive revoked tokens.
    throw fail('clockToleranceSeconds', `must be 0..${MAX_CLOCK_TOLERANCE_SECONDS}`);
  }
  return resolved;
}

/** The `realm` of every challenge: the configured one, else the (first) audience. */
export function realmOf(options: Pick<AuthGuardOptions, 'realm' | 'audience'>): string {
  return options.realm ?? [options.audience].flat()[0];
}
