import { ConfigError, readMetricsConfig } from '@app/platform';

/**
 * `npm start` runs three apps with one env, so one METRICS_PORT would be taken three times: the first app (the
 * issuer) gets METRICS_PORT, the next +1, the next +2. 0 stays 0 (each app a free port of its own). Undefined
 * when METRICS_PORT is unset. `appPorts` are refused as metrics ports, which would collide at listen.
 */
export function metricsPortsFor(env: NodeJS.ProcessEnv, appPorts: number[]): number[] | undefined {
  const base = readMetricsConfig(env).port;
  if (base === undefined) return undefined;
  if (base === 0) return appPorts.map(() => 0);
  const ports = appPorts.map((_, index) => base + index);
  if (ports[ports.length - 1] > 65535)
    throw new ConfigError('METRICS_PORT', `must be at most ${65536 - ports.length} under npm start (the apps take it, +1, +2)`);
  const clash = ports.find((port) => appPorts.includes(port));
  if (clash !== undefined) throw new ConfigError('METRICS_PORT', `${base}..${ports[ports.length - 1]} overlaps an app port (${clash})`);
  return ports;
}
