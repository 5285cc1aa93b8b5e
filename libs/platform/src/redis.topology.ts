/** One `host:port` of a Redis Cluster seed or a Sentinel. */
export interface RedisNodeAddress {
  host: string;
  port: number;
}

/**
 * Where Redis is and how it is laid out. Every app (issuer, services, CLI) and the guard library take
 * the same description, so the whole fleet talks to one Redis however it is deployed.
 *
 * @example
 * createRedisClient({ kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }], name: 'mymaster' })
 */
export type RedisTopology =
  { kind: 'single'; url: string } | { kind: 'cluster'; nodes: RedisNodeAddress[] } | { kind: 'sentinel'; sentinels: RedisNodeAddress[]; name: string };

export const formatNodes = (nodes: RedisNodeAddress[]): string =>
  nodes.map(({ host, port }) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`)).join(',');

/** True for the `memory://` in-process store: one process only, nothing shared. */
export function isInProcessRedis(topology: RedisTopology | string): boolean {
  const url = typeof topology === 'string' ? topology : topology.kind === 'single' ? topology.url : '';
  return url.startsWith('memory:');
}

/** A line for start-up output, without passwords. */
export function describeRedisTopology(topology: RedisTopology): string {
  switch (topology.kind) {
    case 'single':
      return isInProcessRedis(topology) ? 'in-process (not durable, single process only)' : redactUrl(topology.url);
    case 'cluster':
      return `cluster via ${formatNodes(topology.nodes)}`;
    case 'sentinel':
      return `sentinel master "${topology.name}" via ${formatNodes(topology.sentinels)}`;
  }
}

/** A connection string without its password, safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable url)';
  }
}
