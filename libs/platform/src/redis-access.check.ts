import { ConfigError } from './config.error';
import { createRedisClient } from './redis.client';
import { formatNodes, isInProcessRedis, RedisTopology } from './redis.topology';

/** Redis refusing AUTH (or a command for want of it): a wrong or missing password, never an outage. */
const AUTH_REFUSAL = /\b(NOAUTH|WRONGPASS|NOPERM)\b|invalid password|without any password configured/i;
/** Node's words for a server certificate that does not verify against the trusted CAs or does not match the host. */
const TLS_REFUSAL = /certificate|self[- ]signed|unable to verify|CERT_|ERR_TLS_/i;

/** Longest wait for a first answer; connection attempts themselves give up after 2 s (redis.client.ts). */
const LIMIT_MS = 5000;

/**
 * Connects once at start and stops the process, naming the variable, when Redis refuses the credentials or
 * the TLS certificate: a configuration error that no retry fixes, which would otherwise show only as 503s.
 * An unreachable Redis is not refused here: the app starts and reports not ready until Redis answers.
 */
export async function checkRedisAccess(topology: RedisTopology): Promise<void> {
  if (isInProcessRedis(topology)) return;
  const outcome = await firstAnswer(topology, 'data');
  if (outcome === 'ready') return;
  if (outcome instanceof ConfigError) throw outcome;
  if (topology.kind !== 'sentinel') return;
  // ioredis reports a sentinel that refused TLS as "Connection is closed.": ask the first one directly for the reason.
  const { sentinels, sentinelCredentials, tls } = topology;
  const sentinel = {
    kind: 'single',
    url: `${tls ? 'rediss' : 'redis'}://${formatNodes(sentinels.slice(0, 1))}`,
    credentials: sentinelCredentials,
    tls,
  } as const;
  const direct = await firstAnswer(sentinel, 'sentinel');
  if (direct instanceof ConfigError) throw direct;
}

/** 'ready', the refusal the first error means, or undefined (an outage, or no answer in time). */
async function firstAnswer(topology: RedisTopology, side: 'data' | 'sentinel'): Promise<'ready' | ConfigError | undefined> {
  const client = createRedisClient(topology);
  const outcome = await new Promise<'ready' | ConfigError | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), LIMIT_MS);
    const settle = (result: 'ready' | ConfigError | undefined) => {
      clearTimeout(timer);
      resolve(result);
    };
    client.once('ready', () => settle('ready'));
    client.on('error', (error: unknown) => settle(refusalOf(topology, error, side)));
  });
  client.disconnect();
  return outcome;
}

/** The ConfigError an error from connecting means, or undefined when it is an outage. */
function refusalOf(topology: RedisTopology, error: unknown, side: 'data' | 'sentinel'): ConfigError | undefined {
  const texts = errorTexts(error);
  const auth = texts.find((text) => AUTH_REFUSAL.test(text));
  if (auth !== undefined) return new ConfigError(authVariable(topology, texts, side), `refused by Redis: ${oneLine(auth)}`);
  const tls = texts.find((text) => TLS_REFUSAL.test(text));
  if (tls !== undefined) return new ConfigError('REDIS_TLS_CA', `the server's certificate was not accepted (${oneLine(tls)}): set its CA here`);
  return undefined;
}

/** Whose password was refused: the sentinels' or the data nodes'. */
function authVariable(topology: RedisTopology, texts: string[], side: 'data' | 'sentinel'): string {
  if (side === 'sentinel' || (topology.kind === 'sentinel' && texts.some((text) => /sentinel/i.test(text)))) return 'REDIS_SENTINEL_PASSWORD';
  if (topology.kind === 'single' && !topology.credentials) return 'REDIS_URL';
  return 'REDIS_PASSWORD';
}

/**
 * The message and code of the error and of what it wraps (ioredis nests the node's error in a cluster's). Duck-typed:
 * errors from Node's TLS layer may come from another realm than this module's Error.
 */
function errorTexts(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 3) return [];
  const { message, code, lastNodeError, cause } = error as { message?: unknown; code?: unknown; lastNodeError?: unknown; cause?: unknown };
  return [message, code].filter((text): text is string => typeof text === 'string').concat(errorTexts(lastNodeError, depth + 1), errorTexts(cause, depth + 1));
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').slice(0, 160);
