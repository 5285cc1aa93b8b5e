import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IN_PROCESS_REDIS_URL } from '@app/platform';
import { type BackingStore, displayPath } from './backing-store';
import { LogTail } from './log-tail';
import { isPortInUse, redisPing } from './tcp-probe';

export interface LocalRedisOptions {
  dataDir: string;
  port: number;
  /** Defaults to process.env.PATH; a parameter so the fallback can be exercised. */
  searchPath?: string;
}

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** A private, durable redis-server when one is installed; otherwise the in-process store. */
export async function startLocalRedis(options: LocalRedisOptions): Promise<BackingStore> {
  const binary = findExecutable('redis-server', options.searchPath ?? process.env.PATH ?? '');
  if (binary) return startRedisServer(binary, options);
  console.warn('warning: no redis-server on PATH; using the in-process Redis fallback (not durable, single process only, not for production)');
  return { url: IN_PROCESS_REDIS_URL, describe: 'in-process fallback (not durable, single process only)', stop: async () => undefined };
}

async function startRedisServer(binary: string, { dataDir, port }: LocalRedisOptions): Promise<BackingStore> {
  // Checked first: otherwise a PING below could be answered by someone else's server.
  if (await isPortInUse(port)) {
    throw new Error(`EMBEDDED_REDIS_PORT: port ${port} on 127.0.0.1 is already in use (a leftover redis-server?); free it or choose another`);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--appendonly', 'yes'];
  // Own process group: Ctrl+C reaches only the launcher, which stops redis after the apps have closed.
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = new LogTail();
  child.stdout?.on('data', (chunk: Buffer) => log.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk));
  // A spawn failure emits 'error' and never 'exit'; either way the child is gone.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      log.push(`error: ${error.message}`);
      if (child.pid === undefined) resolve();
    });
  });
  // If the launcher dies through process.exit(), do not leave redis holding the port.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);

  if (!(await waitForPing(port, exited))) {
    process.removeListener('exit', killOnExit);
    await stopChild(child, exited);
    throw new Error(`redis-server on port ${port} did not start: ${log.cause() ?? 'no output'}`);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    describe: `private redis-server on 127.0.0.1:${port} (data in ${displayPath(dataDir)}, appendonly)`,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stopChild(child, exited);
    },
  };
}

async function waitForPing(port: number, exited: Promise<void>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !gone) {
    if (await redisPing(port)) return !gone;
    await sleep(100);
  }
  return false;
}

/** SIGTERM makes redis flush the append-only file; SIGKILL only if it hangs. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function findExecutable(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}
