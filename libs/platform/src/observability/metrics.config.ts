import { ConfigError } from '../config.error';
import { readOptional, readPort } from '../env.readers';

type Env = Record<string, string | undefined>;

/** METRICS_TOKEN and METRICS_PORT; both unset means no metrics endpoint anywhere. */
export interface MetricsConfig {
  /** The bearer token a scraper sends; unset: /metrics is not served (404). */
  token?: string;
  /** A second listener serving only /metrics (same token), e.g. for a scrape network apart from the public port. */
  port?: number;
}

export function readMetricsConfig(env: Env): MetricsConfig {
  const token = readOptional(env, 'METRICS_TOKEN');
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) throw new ConfigError('METRICS_TOKEN', 'must be printable ASCII without spaces');
  const port = readOptional(env, 'METRICS_PORT') === undefined ? undefined : readPort(env, 'METRICS_PORT', 0);
  // A metrics listener without a token would publish operational data to anyone who reaches the port.
  if (port !== undefined && token === undefined) throw new ConfigError('METRICS_PORT', 'needs METRICS_TOKEN as well');
  return { token, port };
}
