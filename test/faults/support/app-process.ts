import { ChildProcess, spawn } from 'node:child_process';
import { builtEntry } from '../../keys/support/built-app';

export const ENTRIES = {
  issuer: 'apps/auth-issuer/src/main.js',
  orders: 'apps/orders-api/src/main.js',
  billing: 'apps/billing-api/src/main.js',
} as const;

/**
 * One of the product's apps as a real process (`node dist/...`), killable at any moment.
 * Only this child is ever signalled, by its own pid.
 */
export class AppProcess {
  private child?: ChildProcess;
  /** stdout and stderr as they came; `stdout` alone for what must be structured log lines. */
  output = '';
  stdout = '';
  starts = 0;

  constructor(
    readonly url: string,
    private readonly entry: keyof typeof ENTRIES,
    private env: NodeJS.ProcessEnv,
  ) {}

  /** The environment of the running process (or of the next start). */
  get environment(): Readonly<NodeJS.ProcessEnv> {
    return this.env;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process; `env` changes apply to this start and later ones. */
  start(env: NodeJS.ProcessEnv = {}): void {
    this.env = { ...this.env, ...env };
    this.starts += 1;
    const child = spawn(process.execPath, [builtEntry(ENTRIES[this.entry])], {
      env: { PATH: process.env.PATH, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk) => {
      this.output += chunk;
      this.stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => (this.output += chunk));
  }

  /** Resolves once GET /health answers `healthy` (200 by default); fails with the output if the process exits or takes too long. */
  async ready(timeoutMs = 20_000, healthy: (status: number) => boolean = (s) => s === 200): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if (!this.running) throw new Error(`${this.entry} exited: ${this.output.slice(-2000)}`);
      const status = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.status,
        () => 0,
      );
      if (status && healthy(status)) return Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`${this.entry} not ready in ${timeoutMs} ms: ${this.output.slice(-2000)}`);
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye to PostgreSQL or Redis. Resolves after the exit. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: the process holds its sockets but does nothing at all, as a stalled or swapped-out process would. */
  pause(): void {
    if (this.running) this.child?.kill('SIGSTOP');
  }

  /** SIGCONT after pause(). */
  resume(): void {
    if (this.running) this.child?.kill('SIGCONT');
  }

  /** SIGTERM (graceful), SIGKILL if it hangs. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.resume();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
