/** One `host:port` of a Redis Cluster seed or a Sentinel. */
export interface RedisNodeAddress {
  host: string;
  port: number;
}

/** AUTH as an ACL user (`username`) or as the default user (password only). */
export interface RedisCredentials {
  username?: string;
  password: string;
}

/** TLS towards Redis; `ca` (PEM text) is trusted instead of the system's CAs. */
export interface RedisTls {
  ca?: string;
}

/**
 * How to authenticate to the data nodes (the one Redis, every Cluster node, or the master and replicas behind
 * Sentinel) and whether to speak TLS to them. A single Redis may carry its password and TLS (`rediss://`) in the URL.
 */
export interface RedisSecurity {
  credentials?: RedisCredentials;
  tls?: RedisTls;
}

/**
 * Where Redis is and how it is laid out. Every app (issuer, services, CLI) and the guard library take
 * the same description, so the whole fleet talks to one Redis however it is deployed.
 *
 * @example
 * createRedisClient({ kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }], name: 'mymaster', credentials: { password } })
 */
export type RedisTopology =
  | ({ kind: 'single'; url: string } & RedisSecurity)
  | ({ kind: 'cluster'; nodes: RedisNodeAddress[] } & RedisSecurity)
  // sentinelCredentials: for the sentinels themselves, which may require a password of their own.
  | ({ kind: 'sentinel'; sentinels: RedisNodeAddress[]; name: string; sentinelCredentials?: RedisCredentials } & RedisSecurity);

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
      return isInProcessRedis(topology) ? 'in-process (not durable, single process only)' : `${redactUrl(topology.url)}${securityNote(topology)}`;
    case 'cluster':
      return `cluster via ${formatNodes(topology.nodes)}${securityNote(topology)}`;
    case 'sentinel':
      return `sentinel master "${topology.name}" via ${formatNodes(topology.sentinels)}${securityNote(topology)}`;
  }
}

/** Which protections are on, never their values: ` (password, TLS, sentinel password)`. */
function securityNote(topology: RedisTopology): string {
  const notes = [
    topology.credentials ? (topology.credentials.username ? `user ${topology.credentials.username}` : 'password') : undefined,
    topology.tls ? (topology.tls.ca ? 'TLS, own CA' : 'TLS') : undefined,
    topology.kind === 'sentinel' && topology.sentinelCredentials ? 'sentinel password' : undefined,
  ].filter(Boolean);
  return notes.length > 0 ? ` (${notes.join(', ')})` : '';
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
