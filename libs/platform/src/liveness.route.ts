/** The path of the liveness probe every app answers; `/health` stays the readiness check. */
const LIVENESS_PATH = '/health/live';

/** Minimal view of the Fastify instance: the route is registered on it directly, outside Nest's guards. */
interface RouteHost {
  get(path: string, handler: () => Promise<unknown>): unknown;
}

/**
 * GET /health/live → 200 `{"status":"ok"}` whenever the event loop answers. It touches neither PostgreSQL nor Redis,
 * so a store outage makes pods unready (GET /health, 503) without Kubernetes restarting them all. Registered on the
 * HTTP server itself, like /metrics: public without a token, and independent of every module.
 */
export function serveLiveness(host: RouteHost): void {
  host.get(LIVENESS_PATH, async () => ({ status: 'ok' }));
}
