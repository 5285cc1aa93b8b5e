import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort } from '@app/auth-guard/testing';
import { processCpuMs, processPeakRssBytes } from './process-usage';
import { join } from 'node:path';

export interface IssuerProcess {
  url: string;
  /** Peak resident set size of the issuer process in bytes (Linux VmHWM), 0 where unknown. */
  peakRss(): Promise<number>;
  /** CPU time (user + system) the issuer process has used so far in ms (Linux /proc), 0 where unknown. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** The built issuer (dist/) in a process of its own, so the load generator does not share its core. */
export async function startIssuerProcess(env: Record<string, string>): Promise<IssuerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // BENCH_ISSUER_NODE_ARGS: extra node flags for the issuer alone, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it under load.
  const nodeArgs = (process.env.BENCH_ISSUER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, join(__dirname, '..', '..', 'apps', 'auth-issuer', 'src', 'main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ISSUER_URL: url,
      PORT: String(port),
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/.well-known/jwks.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`issuer did not start (exit ${child.exitCode})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    peakRss: async () => processPeakRssBytes(child.pid),
    cpuMs: () => processCpuMs(child.pid),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
