import { ConfigError } from '@app/platform';

/** One HMAC secret and the `kid` that names it in token headers. */
export interface Hs256Secret {
  kid: string;
  secret: Buffer;
}

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output. */
export const MIN_SECRET_BYTES = 32;
/** The environment variable the example app and `hs256SecretsFromEnv` read. */
export const HS256_SECRETS_VARIABLE = 'HS256_SECRETS';

const KID = /^[A-Za-z0-9._-]{1,128}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Parses `kid1:<base64url>,kid0:<base64url>` (current secret first). Every problem names the variable and
 * the entry's position or kid, never the secret's value.
 */
export function parseHs256Secrets(value: string | undefined, variable = HS256_SECRETS_VARIABLE): Hs256Secret[] {
  const raw = value?.trim();
  if (!raw) throw new ConfigError(variable, 'is required (kid:base64url[,kid:base64url...], current secret first)');
  const secrets = raw.split(',').map((entry, index) => {
    const colon = entry.indexOf(':');
    const kid = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (colon < 0 || !KID.test(kid)) throw new ConfigError(variable, `entry ${index + 1} must be kid:base64url with a kid of [A-Za-z0-9._-]`);
    if (!BASE64URL.test(encoded) || Buffer.from(encoded, 'base64url').toString('base64url') !== encoded) {
      throw new ConfigError(variable, `secret of kid "${kid}" is not canonical base64url`);
    }
    return { kid, secret: Buffer.from(encoded, 'base64url') };
  });
  return checkHs256Secrets(secrets, variable);
}

/** The secrets from `env[variable]`; a ConfigError names the variable (runMain prints it as one line). */
export function hs256SecretsFromEnv(env: NodeJS.ProcessEnv = process.env, variable = HS256_SECRETS_VARIABLE): Hs256Secret[] {
  return parseHs256Secrets(env[variable], variable);
}

/** Length, distinct kids and distinct secrets, however the list was built. */
export function checkHs256Secrets(secrets: readonly Hs256Secret[], variable: string): Hs256Secret[] {
  // Callers in plain JavaScript may pass anything; unknown keeps isArray from narrowing to any[].
  const given: unknown = secrets;
  if (!Array.isArray(given) || secrets.length === 0) throw new ConfigError(variable, 'must name at least one secret');
  const kids = new Set<string>();
  const values = new Set<string>();
  for (const { kid, secret } of secrets) {
    if (typeof kid !== 'string' || !KID.test(kid)) throw new ConfigError(variable, 'every kid must be 1-128 of [A-Za-z0-9._-]');
    if (!Buffer.isBuffer(secret) || secret.length < MIN_SECRET_BYTES)
      throw new ConfigError(variable, `secret of kid "${kid}" must be at least ${MIN_SECRET_BYTES} random bytes`);
    if (kids.has(kid)) throw new ConfigError(variable, `kid "${kid}" appears twice`);
    if (values.has(secret.toString('base64url'))) throw new ConfigError(variable, `kid "${kid}" reuses another kid's secret`);
    kids.add(kid);
    values.add(secret.toString('base64url'));
  }
  return secrets.map(({ kid, secret }) => ({ kid, secret: Buffer.from(secret) }));
}
