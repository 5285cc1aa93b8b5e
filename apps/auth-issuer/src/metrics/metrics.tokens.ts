/** DI token of the app's prom-client Registry (created per app in issuer.bootstrap.ts). */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
