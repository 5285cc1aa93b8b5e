/**
 * The guard's cost, measured from outside on one machine, every figure as a ratio to its limit in the same run:
 * guarded vs unguarded route (one repeated token, 10,000 distinct tokens, a tampered token) on Fastify and Express,
 * the common recipe (@nestjs/passport + passport-jwt + jwks-rsa on Express) as the peer, and revocation propagation
 * under load. Medians over BENCH_RUNS runs; saved to bench/results/guard-throughput.json.
 *
 *   npm run bench            (BENCH_RUNS=3 BENCH_SECONDS=3 REDIS_URL=redis://127.0.0.1:6379 by default)
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import { encodeIssuerEvent, redisKeys } from '@app/contract';
import { FakeIssuer, LocalKey } from '@app/auth-guard/testing';
import { processCpuMs, processPeakRssBytes } from './support/process-usage';
import { createScratchPrefix } from './support/scratch-stores';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DISTINCT = 10_000;
const REVOCATIONS = Number(process.env.BENCH_REVOCATIONS ?? 40);

interface Figure {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** Server CPU (user + system) per answered request, in µs: less sensitive than req/s to other load on the machine. */
  cpuUs: number;
}
type Server = { url: string; child: ChildProcess };

async function startServer(mode: 'ours' | 'peer', adapter: 'fastify' | 'express', issuer: string, prefix: string): Promise<Server> {
  const child = spawn(process.execPath, [join(__dirname, 'support/guard-server.js'), mode, adapter, issuer, REDIS_URL, prefix], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`${mode}/${adapter} server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/**
 * One scenario. Every request carries a token, on the unguarded route too, so the load generator does the same work in
 * both runs of a pair: one token as a fixed header, many through setupRequest (dearer for the generator, so a pair
 * compares like with like).
 */
async function measure(server: Server, path: string, tokens: string[]): Promise<Figure> {
  let next = 0;
  const load =
    tokens.length === 1
      ? { headers: { authorization: `Bearer ${tokens[0]}` } }
      : {
          requests: [
            {
              setupRequest: (req: { headers?: Record<string, string> }) => ({
                ...req,
                headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
              }),
            },
          ],
        };
  const cpuBefore = processCpuMs(server.child.pid);
  const result = await autocannon({ url: `${server.url}${path}`, connections: 32, duration: SECONDS, ...load } as autocannon.Options);
  const cpuUs = ((processCpuMs(server.child.pid) - cpuBefore) * 1000) / Math.max(1, result.requests.total);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    cpuUs,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

/** Logout → refused at the service, under load: the issuer's two writes, then requests until one is refused. */
async function propagation(server: Server, key: LocalKey, issuer: string, prefix: string, background: string): Promise<number[]> {
  const redis = new Redis(REDIS_URL);
  const keys = redisKeys(prefix);
  const load = autocannon({ url: `${server.url}/me`, connections: 32, duration: 3600, headers: { authorization: `Bearer ${background}` } });
  const times: number[] = [];
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (let i = 0; i < REVOCATIONS; i++) {
      const jti = `propagation-${i}-${Date.now()}`;
      const token = key.token({ iss: issuer, aud: 'orders-api' }, { jti, exp: Math.floor(Date.now() / 1000) + 3600 });
      const get = () => fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
      if ((await get()) !== 200) throw new Error('fresh token refused');
      await redis.setex(keys.deniedJti(jti), 3600, '1');
      await redis.publish(keys.events, encodeIssuerEvent({ type: 'token-denied', jti }));
      const answered = performance.now(); // the logout answer leaves the issuer here
      while ((await get()) !== 401) if (performance.now() - answered > 5000) throw new Error('revocation never arrived');
      times.push(performance.now() - answered);
    }
  } finally {
    (load as unknown as { stop(): void }).stop();
    await load;
    redis.disconnect();
  }
  return times;
}

async function main() {
  const started = Date.now();
  const key = LocalKey.generate('RS256');
  const issuer = await FakeIssuer.start(key);
  const scratch = await createScratchPrefix(REDIS_URL, 'bench');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const mint = (claims: Record<string, unknown> = {}) => key.token({ iss: issuer.url, aud: 'orders-api' }, { exp, ...claims });
  const one = mint();
  const tampered = `${one.slice(0, -6)}AAAAAA`;
  const many = Array.from({ length: DISTINCT }, () => mint());
  const servers = {
    fastify: await startServer('ours', 'fastify', issuer.url, scratch.prefix),
    express: await startServer('ours', 'express', issuer.url, scratch.prefix),
    peer: await startServer('peer', 'express', issuer.url, scratch.prefix),
  };
  const scenarios: Record<string, () => Promise<Figure>> = {
    'fastify unguarded, one token': () => measure(servers.fastify, '/public', [one]),
    'fastify guarded, one token': () => measure(servers.fastify, '/me', [one]),
    'fastify unguarded, 10k tokens': () => measure(servers.fastify, '/public', many),
    'fastify guarded, 10k tokens': () => measure(servers.fastify, '/me', many),
    'fastify refused (tampered)': () => measure(servers.fastify, '/me', [tampered]),
    'express unguarded, one token': () => measure(servers.express, '/public', [one]),
    'express guarded, one token': () => measure(servers.express, '/me', [one]),
    'express unguarded, 10k tokens': () => measure(servers.express, '/public', many),
    'express guarded, 10k tokens': () => measure(servers.express, '/me', many),
    'peer recipe (express), one token': () => measure(servers.peer, '/me', [one]),
    'peer recipe (express), 10k tokens': () => measure(servers.peer, '/me', many),
  };
  const runs: Record<string, Figure[]> = {};
  try {
    // Warm-up (JIT, JWKS fetch, replica load, caches), not recorded.
    for (const scenario of Object.values(scenarios)) await scenario();
    // In each run the scenarios go back to back, so each ratio is taken within one run; the median is over runs.
    for (let run = 0; run < RUNS; run++) {
      for (const [name, scenario] of Object.entries(scenarios)) (runs[name] ??= []).push(await scenario());
      console.log(`run ${run + 1}/${RUNS} done`);
    }
    const fig = Object.fromEntries(
      Object.entries(runs).map(([name, list]) => [
        name,
        {
          rps: median(list.map((f) => f.rps)),
          p50: median(list.map((f) => f.p50)),
          p99: median(list.map((f) => f.p99)),
          non2xx: median(list.map((f) => f.non2xx)),
          cpuUs: median(list.map((f) => f.cpuUs)),
          runs: list.map((f) => Math.round(f.rps)),
        },
      ]),
    );
    /** The median over runs of a/b, each run's pair measured back to back. */
    const ratio = (a: string, b: string) => median(runs[a].map((f, i) => f.rps / runs[b][i].rps));
    /** The same ratio from server CPU per request (b's cost over a's): what req/s would show on an otherwise idle machine. */
    const cpuRatio = (a: string, b: string) => median(runs[a].map((f, i) => runs[b][i].cpuUs / f.cpuUs));
    const times = await propagation(servers.fastify, key, issuer.url, scratch.prefix, one);
    const rss = Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, Math.round(processPeakRssBytes(s.child.pid) / 2 ** 20)]));
    const targets = [
      { figure: 'fastify guarded / unguarded, one token', value: ratio('fastify guarded, one token', 'fastify unguarded, one token'), limit: 0.85 },
      { figure: 'fastify guarded / unguarded, 10k tokens', value: ratio('fastify guarded, 10k tokens', 'fastify unguarded, 10k tokens'), limit: 0.6 },
      {
        figure: 'ours (fastify) / peer recipe (express), one token',
        value: ratio('fastify guarded, one token', 'peer recipe (express), one token'),
        limit: 3,
      },
      {
        figure: 'ours (express) / peer recipe (express), one token',
        value: ratio('express guarded, one token', 'peer recipe (express), one token'),
        limit: 1.5,
      },
      { figure: 'revocation propagation p99, ms (lower is better)', value: percentile(times, 99), limit: 100, lowerIsBetter: true },
    ];
    const info = [
      { figure: 'fastify guarded / unguarded, one token, by CPU', value: cpuRatio('fastify guarded, one token', 'fastify unguarded, one token') },
      { figure: 'fastify guarded / unguarded, 10k tokens, by CPU', value: cpuRatio('fastify guarded, 10k tokens', 'fastify unguarded, 10k tokens') },
      { figure: 'express guarded / unguarded, one token', value: ratio('express guarded, one token', 'express unguarded, one token') },
      { figure: 'express guarded / unguarded, 10k tokens', value: ratio('express guarded, 10k tokens', 'express unguarded, 10k tokens') },
      { figure: 'fastify refused / guarded (one token)', value: ratio('fastify refused (tampered)', 'fastify guarded, one token') },
      { figure: 'fastify refused / unguarded', value: ratio('fastify refused (tampered)', 'fastify unguarded, one token') },
    ];
    console.log('\nscenario                                   req/s   p50 ms  p99 ms  non-2xx  CPU µs/req   (runs)');
    for (const [name, f] of Object.entries(fig))
      console.log(
        `${name.padEnd(38)} ${Math.round(f.rps).toString().padStart(9)} ${String(f.p50).padStart(7)} ${String(f.p99).padStart(7)} ${String(f.non2xx).padStart(8)} ${f.cpuUs.toFixed(1).padStart(11)}   ${f.runs.join(' ')}`,
      );
    console.log(
      `\nrevocation propagation under load (${times.length} logouts): p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms`,
    );
    console.log(`peak RSS (MB): ${JSON.stringify(rss)}\n`);
    for (const t of targets) {
      const ratio = t.lowerIsBetter ? t.limit / t.value : t.value / t.limit;
      console.log(
        `${t.figure.padEnd(52)} ${t.value.toFixed(2).padStart(7)}  target ${t.lowerIsBetter ? '≤' : '≥'} ${t.limit}  → ${ratio.toFixed(2)}x of the limit ${ratio >= 1 ? 'MET' : 'NOT MET'}`,
      );
    }
    for (const i of info) console.log(`${i.figure.padEnd(52)} ${i.value.toFixed(2).padStart(7)}`);
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
      settings: { runs: RUNS, seconds: SECONDS, connections: 32, distinctTokens: DISTINCT, revocations: REVOCATIONS },
      scenarios: fig,
      propagationMs: { p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times) },
      peakRssMb: rss,
      targets: targets.map((t) => ({ ...t, met: t.lowerIsBetter ? t.value <= t.limit : t.value >= t.limit })),
      info,
      durationSeconds: Math.round((Date.now() - started) / 1000),
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/guard-throughput.json', `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nsaved bench/results/guard-throughput.json (${result.durationSeconds} s)`);
  } finally {
    for (const s of Object.values(servers)) s.child.kill();
    await issuer.stop();
    await scratch.cleanup();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
