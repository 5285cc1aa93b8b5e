import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** What `docker compose up` relies on, checked without a Docker engine. */

interface ComposeService {
  build?: { context?: string; args?: Record<string, string> };
  ports?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] | string };
  depends_on?: Record<string, { condition?: string }>;
}

const root = join(__dirname, '..');
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const services = (parse(composeText) as { services: Record<string, ComposeService> }).services;
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

const ISSUER = { name: 'auth-issuer', port: 3000, dependsOn: ['postgres', 'redis'] };
const RESOURCE_SERVICES = [
  { name: 'orders-api', port: 3001, dependsOn: ['auth-issuer', 'redis'] },
  { name: 'billing-api', port: 3002, dependsOn: ['auth-issuer', 'redis'] },
];
const APPS = [ISSUER, ...RESOURCE_SERVICES];

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function env(name: string): Record<string, string> {
  return service(name).environment ?? {};
}

/** `${VAR:-fallback}` as compose resolves it with VAR unset. */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
}

function healthcheck(name: string): string {
  const test = service(name).healthcheck?.test ?? [];
  return Array.isArray(test) ? test.join(' ') : test;
}

describe('docker-compose.yml', () => {
  it('names the stores and every app', () => {
    expect(Object.keys(services).sort()).toEqual(['auth-issuer', 'billing-api', 'orders-api', 'postgres', 'redis']);
  });

  it.each(APPS)('$name: built as APP=$name, published on $port, PORT=$port, production', ({ name, port }) => {
    expect(service(name).build?.args?.APP).toBe(name);
    expect(existsSync(join(root, 'apps', name, 'src', 'main.ts'))).toBe(true);
    expect(service(name).ports).toEqual([`${port}:${port}`]);
    expect(env(name).PORT).toBe(String(port));
    expect(env(name).NODE_ENV).toBe('production');
  });

  it.each(APPS)('$name: healthcheck asks its own /health', ({ name, port }) => {
    const probed = healthcheck(name).match(/https?:\/\/[^'"\s)]+/g) ?? [];
    expect(probed).toEqual([`http://127.0.0.1:${port}/health`]);
  });

  it.each(['postgres', 'redis'])('%s: has a healthcheck and publishes no host port', (name) => {
    expect(healthcheck(name)).not.toBe('');
    expect(service(name).ports).toBeUndefined();
  });

  it.each(APPS)('$name: starts only after its dependencies are healthy', ({ name, dependsOn }) => {
    const deps = service(name).depends_on ?? {};
    expect(Object.keys(deps).sort()).toEqual([...dependsOn].sort());
    for (const dep of dependsOn) {
      expect(deps[dep]?.condition).toBe('service_healthy');
      expect(healthcheck(dep)).not.toBe('');
    }
  });

  it('auth-issuer: gets every contract variable, KEY_ENCRYPTION_KEY required', () => {
    const issuer = env(ISSUER.name);
    expect(withDefaults(issuer.DATABASE_URL)).toMatch(/^postgres:\/\/[^@]+@postgres:5432\/\w+$/);
    expect(issuer.REDIS_URL).toBe('redis://redis:6379');
    expect(withDefaults(issuer.ISSUER_URL)).toMatch(/^https?:\/\//);
    expect(withDefaults(issuer.ACCESS_TOKEN_TTL)).toMatch(/^\d+$/);
    expect(withDefaults(issuer.REFRESH_TOKEN_TTL)).toMatch(/^\d+$/);
    expect(Number(withDefaults(issuer.REFRESH_TOKEN_TTL))).toBeLessThanOrEqual(30 * 24 * 3600);
    expect(issuer.KEY_ENCRYPTION_KEY).toMatch(/^\$\{KEY_ENCRYPTION_KEY:\?[^}]+\}$/);
  });

  it.each(RESOURCE_SERVICES)('$name: trusts the public issuer URL, fetches keys in-network', ({ name }) => {
    const vars = env(name);
    expect(vars.ISSUER_URL).toBe(env(ISSUER.name).ISSUER_URL);
    expect(withDefaults(vars.JWKS_URL)).toBe('http://auth-issuer:3000/.well-known/jwks.json');
    expect(vars.REDIS_URL).toBe('redis://redis:6379');
    expect(vars.KEY_ENCRYPTION_KEY).toBeUndefined();
  });

  it('every ${VAR} is given a default or required somewhere, so none is silently empty', () => {
    const references = [...composeText.matchAll(/\$\{([A-Z0-9_]+)(:[-?][^}]*)?\}/g)];
    expect(references.length).toBeGreaterThan(0);
    for (const name of new Set(references.map((match) => match[1]))) {
      const guarded = references.some((match) => match[1] === name && match[2] !== undefined);
      expect({ name, guarded }).toEqual({ name, guarded: true });
    }
  });
});

describe('Dockerfile', () => {
  it('builds in a build stage and runs the chosen app as a non-root user in a node:20-slim runtime', () => {
    expect(dockerfile).toMatch(/^FROM node:20-slim AS build$/m);
    expect(dockerfile).toMatch(/^FROM node:20-slim AS runtime$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev\b/m);
    expect(dockerfile).toMatch(/^USER (?!root\b)\w+$/m);
    expect(dockerfile).toContain('node dist/apps/$APP/src/main.js');
  });
});
