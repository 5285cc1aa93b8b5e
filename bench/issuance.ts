/**
 * Issuance throughput against the single-core signing limit, for each signing algorithm in one run:
 * POST /auth/refresh, POST /oauth/token (refresh_token) and POST /oauth/token (client_credentials) per
 * second, each divided by the rate at which one core signs a token of the same shape (jose, one at a time); and
 * GET /.well-known/jwks.json against GET /health/live, an unguarded route that touches no store.
 * The issuer runs as its own process (SIGNING_ALG set per algorithm) on a scratch database and Redis prefix.
 * Each figure is the median of RUNS short runs; everything is written to bench/results/issuance.json.
 *
 *   npm run build && npm run bench:issuance
 *   env: BENCH_SECONDS (3), BENCH_RUNS (3), BENCH_CONNECTIONS (16), BENCH_ALGS (RS256,ES256,EdDSA),
 *        BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL (redis://127.0.0.1:6379)
 */
import autocannon from 'autocannon';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { measureSigning } from './support/raw-signing';
import { startIssuerProcess, type IssuerProcess } from './support/issuer-process';
import { createScratchDatabase, createScratchPrefix } from './support/scratch-stores';
import { seedClient, seedSessions } from './support/issuance-seed';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ALGS = (process.env.BENCH_ALGS ?? 'RS256,ES256,EdDSA').split(',');
const DATABASE_SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Figure {
  perSecond: number;
  ratioToRawSigning: number;
  runs: number[];
  non2xx: number;
  p50Ms: number;
  p99Ms: number;
  /** Issuer process CPU (user + system) per answered grant in the median run, in µs: what the issuer itself spends. */
  issuerCpuUsPerGrant: number;
}

/** One short load run; `body` yields each request's form or JSON body, `onBody` sees each 2xx answer. */
async function run(issuer: IssuerProcess, path: string, contentType: string, body: () => string, onBody?: (status: number, text: string) => void) {
  const cpuBefore = issuer.cpuMs();
  const result = await autocannon({
    url: `${issuer.url}${path}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': contentType },
        setupRequest: (request) => ({ ...request, body: body() }),
        ...(onBody ? { onResponse: (status: number, text: string) => onBody(status, text) } : {}),
      },
    ],
  });
  // Only answered grants count: a refused refresh signs nothing.
  return {
    perSecond: result['2xx'] / result.duration,
    non2xx: result.non2xx + result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUsPerGrant: result['2xx'] > 0 ? ((issuer.cpuMs() - cpuBefore) * 1000) / result['2xx'] : 0,
  };
}

/** GET throughput of one issuer route: the JWKS document and, as its limit, an unguarded route that touches no store. */
async function getRoute(issuer: IssuerProcess, path: string) {
  const rates = [];
  for (let i = 0; i < RUNS; i++) {
    const result = await autocannon({ url: `${issuer.url}${path}`, connections: CONNECTIONS, duration: SECONDS });
    rates.push({ perSecond: result['2xx'] / result.duration, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx + result.errors });
  }
  const median = [...rates].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(rates.length / 2)];
  return {
    perSecond: Math.round(median.perSecond),
    runs: rates.map((r) => Math.round(r.perSecond)),
    p50Ms: median.p50,
    p99Ms: median.p99,
    non2xx: median.non2xx,
  };
}

/** Median of RUNS runs, as a figure relative to `raw` signatures per second. */
async function figure(raw: number, once: () => ReturnType<typeof run>): Promise<Figure> {
  const results = [];
  for (let i = 0; i < RUNS; i++) results.push(await once());
  const sorted = [...results].sort((a, b) => a.perSecond - b.perSecond);
  const median = sorted[Math.floor(sorted.length / 2)];
  return {
    perSecond: Math.round(median.perSecond),
    ratioToRawSigning: Number((median.perSecond / raw).toFixed(3)),
    runs: results.map((r) => Math.round(r.perSecond)),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    p50Ms: median.p50,
    p99Ms: median.p99,
    issuerCpuUsPerGrant: Math.round(median.cpuUsPerGrant),
  };
}

/** Refresh tokens are single-use: a shared pool hands each request a live token and takes back its successor. */
function refreshLoad(issuer: IssuerProcess, pool: string[], path: string, form: boolean) {
  const take = () => pool.shift() ?? 'pool-exhausted';
  const give = (status: number, text: string) => {
    if (status === 200) pool.push((JSON.parse(text) as { refresh_token: string }).refresh_token);
  };
  return form
    ? run(issuer, path, 'application/x-www-form-urlencoded', () => new URLSearchParams({ grant_type: 'refresh_token', refresh_token: take() }).toString(), give)
    : run(issuer, path, 'application/json', () => JSON.stringify({ refresh_token: take() }), give);
}

async function benchAlgorithm(alg: string) {
  const raw = await measureSigning(alg, 1500);
  const database = await createScratchDatabase(DATABASE_SERVER, 'bench');
  const redis = await createScratchPrefix(REDIS_URL);
  let issuer: IssuerProcess | undefined;
  try {
    issuer = await startIssuerProcess({ SIGNING_ALG: alg, DATABASE_URL: database.url, REDIS_URL: REDIS_URL, REDIS_PREFIX: redis.prefix });
    // One user per connection, as a subject's refreshes run one at a time by design; spares replace the
    // tokens whose answers a run's end cuts off (spent at the issuer, never seen here).
    const pool = await seedSessions(issuer.url, database.url, CONNECTIONS * (2 * RUNS + 2));
    const client = await seedClient(issuer.url, database.url);
    const clientForm = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret }).toString();
    const result = {
      rawSigningPerSecond: Math.round(raw),
      refresh: await figure(raw, () => refreshLoad(issuer!, pool, '/auth/refresh', false)),
      oauthRefreshToken: await figure(raw, () => refreshLoad(issuer!, pool, '/oauth/token', true)),
      clientCredentials: await figure(raw, () => run(issuer!, '/oauth/token', 'application/x-www-form-urlencoded', () => clientForm)),
      jwks: await getRoute(issuer, '/.well-known/jwks.json'),
      unguarded: await getRoute(issuer, '/health/live'),
      issuerPeakRssMb: Math.round((await issuer.peakRss()) / 1024 / 1024),
    };
    print(alg, result);
    return result;
  } finally {
    await issuer?.stop();
    await redis.cleanup().catch(() => undefined);
    await database.drop();
  }
}

type GetFigure = Awaited<ReturnType<typeof getRoute>>;

function print(
  alg: string,
  result: { rawSigningPerSecond: number; refresh: Figure; oauthRefreshToken: Figure; clientCredentials: Figure; jwks: GetFigure; unguarded: GetFigure },
) {
  console.log(`${alg}: raw single-core signing ${result.rawSigningPerSecond}/s`);
  for (const [name, f] of [
    ['POST /auth/refresh', result.refresh],
    ['POST /oauth/token refresh_token', result.oauthRefreshToken],
    ['POST /oauth/token client_credentials', result.clientCredentials],
  ] as const) {
    console.log(
      `  ${name.padEnd(38)} ${String(f.perSecond).padStart(6)}/s  ratio ${f.ratioToRawSigning.toFixed(2)}  issuer CPU ${f.issuerCpuUsPerGrant} µs/grant  runs ${f.runs.join(',')}  p50 ${f.p50Ms} ms  p99 ${f.p99Ms} ms  non-2xx ${f.non2xx}`,
    );
  }
  for (const [name, f] of [
    ['GET /.well-known/jwks.json', result.jwks],
    ['GET /health/live (unguarded limit)', result.unguarded],
  ] as const) {
    console.log(
      `  ${name.padEnd(38)} ${String(f.perSecond).padStart(6)}/s  runs ${f.runs.join(',')}  p50 ${f.p50Ms} ms  p99 ${f.p99Ms} ms  non-2xx ${f.non2xx}`,
    );
  }
  console.log(`  JWKS / unguarded ${(result.jwks.perSecond / result.unguarded.perSecond).toFixed(2)}`);
}

async function main() {
  // Other work on the machine shows in the figures: the load average says how much there was.
  const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
  const results: Record<string, unknown> = {};
  for (const alg of ALGS) results[alg] = await benchAlgorithm(alg);
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      node: process.version,
      loadAverage: { before: loadBefore, after: loadavg().map((l) => Number(l.toFixed(2))) },
    },
    settings: { seconds: SECONDS, runs: RUNS, connections: CONNECTIONS },
    results,
  };
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'issuance.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`load average (1, 5, 15 min): before ${loadBefore.join(' ')}, after ${report.machine.loadAverage.after.join(' ')}`);
  console.log(`saved ${join(dir, 'issuance.json')}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
