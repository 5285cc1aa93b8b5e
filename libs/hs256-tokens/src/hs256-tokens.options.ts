import { MAX_CLOCK_TOLERANCE_SECONDS } from '@app/contract';
import { ConfigError, type RedisClient, type RedisTopology } from '@app/platform';
import { checkHs256Secrets, Hs256Secret } from './hs256-secrets';

/** Options of Hs256TokensModule.forRoot. */
export interface Hs256TokensOptions {
  /** Current secret first (it signs); the others only verify, until the longest token lifetime has passed. */
  secrets: Hs256Secret[];
  /** The `iss` this service writes and demands: its own URL. */
  issuer: string;
  /** The `aud` this service writes and demands; the `realm` of its challenges. */
  audience: string;
  /** Lifetime of the tokens it signs, seconds (1..86400). */
  ttlSeconds: number;
  /** Redis client or URL for the jti denylist (logout). Omit only to run without revocation. */
  redis?: RedisClient | RedisTopology | string;
  /** Key prefix in Redis. Default ''. */
  redisPrefix?: string;
  /** Leeway for exp/nbf/iat, seconds. Default 5. */
  clockToleranceSeconds?: number;
  /** The variable named when `secrets` is refused. Default `Hs256TokensModule.secrets`. */
  secretsVariable?: string;
}

export type ResolvedHs256Options = Required<Omit<Hs256TokensOptions, 'redis'>> & Pick<Hs256TokensOptions, 'redis'>;

const MAX_TTL_SECONDS = 86_400;

/** Checked once, at start: a bad option stops the app with one line naming it (never a secret's value). */
export function resolveHs256Options(options: Hs256TokensOptions): ResolvedHs256Options {
  const fail = (option: string, problem: string) => new ConfigError(`Hs256TokensModule.${option}`, problem);
  const secretsVariable = options.secretsVariable ?? 'Hs256TokensModule.secrets';
  const secrets = checkHs256Secrets(options.secrets, secretsVariable);
  if (typeof options.issuer !== 'string' || !/^https?:\/\/\S+$/.test(options.issuer)) throw fail('issuer', 'must be an http(s) URL');
  if (typeof options.audience !== 'string' || !/^[^"\\\x00-\x1f]+$/.test(options.audience)) throw fail('audience', 'must be a non-empty string without quotes');
  if (!(Number.isInteger(options.ttlSeconds) && options.ttlSeconds > 0 && options.ttlSeconds <= MAX_TTL_SECONDS))
    throw fail('ttlSeconds', `must be 1..${MAX_TTL_SECONDS}`);
  const clockToleranceSeconds = options.clockToleranceSeconds ?? 5;
  // Denylist entries outlive exp by a margin sized for this maximum (libs/contract).
  if (!(Number.isInteger(clockToleranceSeconds) && clockToleranceSeconds >= 0 && clockToleranceSeconds <= MAX_CLOCK_TOLERANCE_SECONDS)) {
    throw fail('clockToleranceSeconds', `must be 0..${MAX_CLOCK_TOLERANCE_SECONDS}`);
  }
  return { ...options, secrets, secretsVariable, clockToleranceSeconds, redisPrefix: options.redisPrefix ?? '' };
}
