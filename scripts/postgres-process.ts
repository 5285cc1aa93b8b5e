import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, rmSync, writeFileSync } from 'node:fs';
import { LogTail } from './log-tail';
import type { RunAs } from './path-access';
import { StartError } from './start-error';

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
// Our own start flags pin the message language, so this line can be waited for.
const READY = 'database system is ready to accept connections';

export interface RunningPostgres {
  stop(): Promise<void>;
}

/** Creates a cluster in dataDir with `user` as superuser; the password goes through an owner-only file. */
export async function initCluster(initdb: string, dataDir: string, user: string, password: string, runAs: RunAs | undefined): Promise<void> {
  // Beside the data dir, whose parents are known to be open to runAs; never in a shared /tmp.
  const passwordFile = `${dataDir}.initdb-${process.pid}`;
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs) chownSync(passwordFile, runAs.uid, runAs.gid);
    const args = [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${user}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--no-locale'];
    const child = spawnAs(initdb, args, runAs);
    const log = capture(child);
    const outcome = await exited(child);
    if (outcome !== 0) {
      throw new StartError(`initdb in ${dataDir} failed: ${log.cause() ?? outcome}`, `fix the cause, delete ${dataDir}, and start again, or set DATABASE_URL`);
    }
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/** Starts postgres on 127.0.0.1:port (TCP only, no unix socket) and resolves once it accepts connections. */
export async function startServer(postgres: string, dataDir: string, port: number, runAs: RunAs | undefined): Promise<RunningPostgres> {
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'lc_messages=C'];
  const child = spawnAs(postgres, args, runAs);
  const log = capture(child);
  const gone = exited(child);
  // If the launcher ends through process.exit(), do not leave postgres holding the port; SIGINT is a fast shutdown.
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await gone;
    clearTimeout(timer);
  };
  const ready = await Promise.race([
    log.seen(READY).then(() => true),
    gone.then(() => false),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), READY_TIMEOUT_MS).unref()),
  ]);
  if (!ready) {
    await stop();
    const cause = (log.cause() ?? 'no output').replace(/^.*?(?=(FATAL|PANIC|ERROR):)/, '');
    throw new StartError(`PostgreSQL in ${dataDir} did not start: ${cause}`, 'see the cause; free the port with EMBEDDED_PG_PORT, or set DATABASE_URL');
  }
  return { stop };
}

/** Own process group: Ctrl+C reaches only the launcher, which stops postgres after the apps. */
function spawnAs(file: string, args: string[], runAs: RunAs | undefined): ChildProcess {
  const ids = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
  return spawn(file, args, { ...ids, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
}

/** Keeps draining both pipes for the child's whole life: a full pipe would block postgres. */
function capture(child: ChildProcess): LogTail & { seen(text: string): Promise<void> } {
  const log = new LogTail();
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    log.push(text);
    for (const waiter of waiters) if (text.includes(waiter.text)) waiter.resolve();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  // A spawn failure (EACCES, ENOENT) is an 'error' event; unhandled it would end the launcher with a stack trace.
  child.on('error', (error) => log.push(`error: ${error.message}`));
  return Object.assign(log, { seen: (text: string) => new Promise<void>((resolve) => waiters.push({ text, resolve })) });
}

/** The exit code, or the signal, or 'spawn failed'; never rejects. */
function exited(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'killed'));
    child.once('error', (error) => {
      if (child.pid === undefined) resolve(`spawn failed: ${error.message}`);
    });
  });
}
