import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { MetricsConfig } from './metrics.config';

/** Minimal view of the Fastify instance: the route is registered on it directly, outside Nest's guards. */
interface RouteHost {
  get(path: string, handler: (request: { headers: Record<string, string | string[] | undefined> }, reply: MetricsReply) => Promise<unknown>): unknown;
}
interface MetricsReply {
  code(status: number): MetricsReply;
  header(name: string, value: string): MetricsReply;
  send(body: string): unknown;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time check of `Authorization: Bearer <token>` (hashing first makes the lengths equal). */
export function metricsAuthorized(header: string | string[] | undefined, token: string): boolean {
  if (typeof header !== 'string') return false;
  const match = /^Bearer ([\x21-\x7e]{1,1024})$/i.exec(header.trim());
  return timingSafeEqual(digest(match?.[1] ?? ''), digest(token)) && match !== null;
}

interface MetricsAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function answer(registry: Registry, token: string, authorization: string | string[] | undefined): Promise<MetricsAnswer> {
  if (!metricsAuthorized(authorization, token)) {
    return { status: 401, headers: { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'application/json' }, body: '{"error":"unauthorized"}' };
  }
  return { status: 200, headers: { 'content-type': registry.contentType }, body: await registry.metrics() };
}

/** `; metrics on port N` for an app's start-up line when it has a metrics listener of its own (the real port, also for 0). */
export function describeMetricsListener(server: Server | undefined): string {
  const address = server?.address();
  return address && typeof address === 'object' ? `; metrics on port ${address.port}` : '';
}

/**
 * GET /metrics on the app's own port when METRICS_TOKEN is set (otherwise the route does not exist: 404),
 * and on METRICS_PORT too when set. Returns the extra listener (if any) for the caller to close.
 */
export async function serveMetrics(host: RouteHost, registry: Registry, config: MetricsConfig): Promise<Server | undefined> {
  const token = config.token;
  if (!token) return undefined;
  host.get('/metrics', async (request, reply) => {
    const result = await answer(registry, token, request.headers.authorization);
    reply.code(result.status).header('cache-control', 'no-store');
    for (const [name, value] of Object.entries(result.headers)) reply.header(name, value);
    return reply.send(result.body);
  });
  if (config.port === undefined) return undefined;
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?', 1)[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    answer(registry, token, request.headers.authorization).then(
      (result) => response.writeHead(result.status, { ...result.headers, 'cache-control': 'no-store' }).end(result.body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, '0.0.0.0', () => resolve());
  });
  return server;
}
