import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { AddressInfo, createServer } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { AuthGuardModule } from '@app/auth-guard';
import { createHttpApp, listen, RunningApp } from '@app/platform';
import { GuardHealthController, IdentityController } from '@app/service-kit';
import { startIssuer } from '../apps/auth-issuer/src/issuer.bootstrap';
import { createScratchDatabase, createScratchPrefix } from './support/scratch-stores';

/**
 * Load through a resource service while the issuer rotates its signing key on a short schedule
 * (every 2 s, each next key published 2 s ahead, JWKS max-age 1 s). Prints how many requests with a
 * valid token got anything but 2xx: the lifecycle promises 0.
 *
 *   npm run build && node dist/bench/rotation-load.js [rotations=4] [concurrency=8]
 *   env: BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL (redis://127.0.0.1:6379)
 */
export interface RotationLoadOptions {
  rotations: number;
  concurrency: number;
  /** Caps the request rate (all workers together), to keep a run inside a test small. Default: as fast as possible. */
  ratePerSecond?: number;
  /** Gives up (and reports the shortfall) if the rotations have not happened by then. Default 60 s. */
  maxDurationMs?: number;
  databaseServerUrl?: string;
  redisUrl?: string;
}

export interface RotationLoadResult {
  requests: number;
  non2xx: number;
  byStatus: Record<string, number>;
  rotations: number;
  kids: string[];
  durationMs: number;
  latencyMs: { p50: number; p99: number };
}

const ISSUER_ENV = {
  NODE_ENV: 'test',
  JWKS_MAX_AGE: '1',
  KEY_RELOAD_INTERVAL: '1',
  KEY_PUBLISH_LEAD_TIME: '2',
  KEY_ROTATION_INTERVAL: '2',
  KEY_ROTATION_TICK: '1',
  ACCESS_TOKEN_TTL: '120',
};

export async function runRotationLoad(options: RotationLoadOptions): Promise<RotationLoadResult> {
  const database = await createScratchDatabase(options.databaseServerUrl ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const redisUrl = options.redisUrl ?? process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = await createScratchPrefix(redisUrl);
  let issuer: RunningApp | undefined;
  let service: INestApplication | undefined;
  try {
    const port = await freePort();
    const issuerUrl = `http://127.0.0.1:${port}`;
    const env = {
      ...ISSUER_ENV,
      ISSUER_URL: issuerUrl,
      PORT: String(port),
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redis.prefix,
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    issuer = await startIssuer(env);
    // A resource service whose guard honours the JWKS max-age of 1 s (refresh and cooldown), as any verifier should.
    const guard = AuthGuardModule.forRoot({
      issuer: issuerUrl,
      audience: 'orders-api',
      redis: redisUrl,
      redisPrefix: redis.prefix,
      jwksRefreshIntervalMs: 1000,
      unknownKidCooldownMs: 1000,
    });
    service = await createHttpApp({ module: class RotationLoadServiceModule {}, imports: [guard], controllers: [GuardHealthController, IdentityController] });
    const serviceUrl = await listen(service, 0);
    return await drive(issuerUrl, serviceUrl, options);
  } finally {
    await service?.close().catch(() => undefined);
    await issuer?.close().catch(() => undefined);
    await redis.cleanup().catch(() => undefined);
    await database.drop();
  }
}

async function drive(issuerUrl: string, serviceUrl: string, options: RotationLoadOptions): Promise<RotationLoadResult> {
  const started = Date.now();
  const deadline = started + (options.maxDurationMs ?? 60_000);
  const byStatus: Record<string, number> = {};
  const latencies: number[] = [];
  const kids: string[] = [];
  const tokens: string[] = [];
  let requests = 0;
  let stop = false;

  // A client that keeps signing in (one access token per login, signed with whatever key is active then). Not refresh:
  // a refresh denylists the access token it replaces, and this load keeps using older tokens on purpose.
  const login = () => post(`${issuerUrl}/auth/login`, { username: 'alice', password: 'alice-password' });
  const session = await login();
  const take = (accessToken: string) => {
    tokens.push(accessToken);
    const kid = JSON.parse(Buffer.from(accessToken.split('.')[0], 'base64url').toString()).kid as string;
    if (kids[kids.length - 1] !== kid) kids.push(kid);
  };
  take(session.access_token);
  const minter = (async () => {
    while (!stop) {
      take((await login()).access_token);
      if (kids.length > options.rotations || Date.now() > deadline) stop = true;
      await sleep(100);
    }
  })();

  const pause = options.ratePerSecond ? (1000 * options.concurrency) / options.ratePerSecond : 0;
  const worker = async () => {
    while (!stop) {
      // Mostly the newest token (the first use of a new key is the risky moment), sometimes an older one.
      const token = Math.random() < 0.7 ? tokens[tokens.length - 1] : tokens[Math.floor(Math.random() * tokens.length)];
      const t0 = performance.now();
      const status = await fetch(`${serviceUrl}/me`, { headers: { authorization: `Bearer ${token}` } }).then(
        async (response) => (await response.arrayBuffer(), response.status),
        () => 0,
      );
      latencies.push(performance.now() - t0);
      requests += 1;
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      if (pause) await sleep(pause);
    }
  };
  await Promise.all([minter, ...Array.from({ length: options.concurrency }, worker)]);
  latencies.sort((a, b) => a - b);
  const non2xx = Object.entries(byStatus)
    .filter(([status]) => !status.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  const pct = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0) * 100) / 100;
  return { requests, non2xx, byStatus, rotations: kids.length - 1, kids, durationMs: Date.now() - started, latencyMs: { p50: pct(0.5), p99: pct(0.99) } };
}

async function post(url: string, json: unknown): Promise<{ access_token: string; refresh_token: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
  if (!response.ok) throw new Error(`${url} -> ${response.status} ${await response.text()}`);
  return (await response.json()) as { access_token: string; refresh_token: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function describeResult(r: RotationLoadResult): string {
  return [
    `rotation-load: ${r.requests} requests with valid tokens in ${(r.durationMs / 1000).toFixed(1)} s (${Math.round(r.requests / (r.durationMs / 1000))} req/s)`,
    `  non-2xx: ${r.non2xx}   by status: ${JSON.stringify(r.byStatus)}`,
    `  rotations observed: ${r.rotations} (signing kids in order: ${r.kids.join(' -> ')})`,
    `  latency ms: p50 ${r.latencyMs.p50}, p99 ${r.latencyMs.p99}`,
  ].join('\n');
}

if (require.main === module) {
  process.env.LOG_LEVEL ??= 'warn';
  const [rotations = '4', concurrency = '8'] = process.argv.slice(2);
  runRotationLoad({ rotations: Number(rotations), concurrency: Number(concurrency) }).then(
    (result) => {
      console.log(describeResult(result));
      process.exit(result.non2xx === 0 && result.rotations >= Number(rotations) ? 0 : 1);
    },
    (error: unknown) => {
      console.error(`rotation-load failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
