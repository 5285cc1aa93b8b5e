import { ConfigError } from './config.error';
import { createRedisClient } from './redis.client';
import { isInProcessRedis, RedisTopology } from './redis.topology';

/** Redis refusing AUTH (or a command for want of it): a wrong or missing password, never an outage. */
const AUTH_REFUSAL = /\b(NOAUTH|WRONGPASS|NOPERM)\b|invalid password|without any password configured/i;
/** Node's codes for a server certificate that does not verify against the trusted CAs or does not match the host. */
const TLS_REFUSAL = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME_INVALID/;

/** Longest wait for a first answer; connection attempts themselves give up after 2 s (redis.client.ts). */
const LIMIT_MS = 5000;

/**
 * Connects once at start and stops the process, naming the variable, when Redis refuses the credentials or
 * the TLS certificate: a configuration error that no retry fixes, which would otherwise show only as 503s.
 * An unreachable Redis is not refused here: the app starts and reports not ready until Redis answers.
 */
export async function checkRedisAccess(topology: RedisTopology): Promise<void> {
  if (isInProcessRedis(topology)) return;
  const client = createRedisClient(topology);
  const refusal = await new Promise<ConfigError | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), LIMIT_MS);
    const settle = (result: ConfigError | undefined) => {
      clearTimeout(timer);
      resolve(result);
    };
    client.once('ready', () => settle(undefined));
    client.on('error', (error: Error) => settle(refusalOf(topology, error)));
  });
  client.disconnect();
  if (refusal) throw refusal;
}

/** The ConfigError an error from connecting means, or undefined when it is an outage. */
export function refusalOf(topology: RedisTopology, error: Error): ConfigError | undefined {
  const texts = errorTexts(error);
  const auth = texts.find((text) => AUTH_REFUSAL.test(text));
  if (auth !== undefined) return new ConfigError(authVariable(topology, texts), `refused by Redis: ${oneLine(auth)}`);
  const tls = texts.find((text) => TLS_REFUSAL.test(text));
  if (tls !== undefined) return new ConfigError('REDIS_TLS_CA', `the server's certificate was not accepted (${oneLine(tls)}): set its CA here`);
  return undefined;
}

/** Whose password was refused: the sentinels' or the data nodes'. */
function authVariable(topology: RedisTopology, texts: string[]): string {
  if (topology.kind === 'sentinel' && texts.some((text) => /sentinel/i.test(text))) return 'REDIS_SENTINEL_PASSWORD';
  if (topology.kind === 'single' && !topology.credentials) return 'REDIS_URL';
  return 'REDIS_PASSWORD';
}

/** The message and code of the error and of what it wraps (ioredis nests the node's error in a cluster's). */
function errorTexts(error: unknown, depth = 0): string[] {
  if (!(error instanceof Error) || depth > 3) return [];
  const nested = error as Error & { code?: unknown; lastNodeError?: unknown; cause?: unknown };
  return [
    error.message,
    ...(typeof nested.code === 'string' ? [nested.code] : []),
    ...errorTexts(nested.lastNodeError, depth + 1),
    ...errorTexts(nested.cause, depth + 1),
  ];
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').slice(0, 160);
