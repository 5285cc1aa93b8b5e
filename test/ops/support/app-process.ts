import { ChildProcess, spawn } from 'node:child_process';
import { builtEntry } from '../../keys/support/built-app';

/** Any app as a real process from dist/, its stdout and stderr kept apart. */
export class AppProcess {
  private child?: ChildProcess;
  stdout = '';
  stderr = '';

  constructor(
    readonly url: string,
    private readonly entry: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  start(): this {
    this.child = spawn(process.execPath, [builtEntry(this.entry)], { env: { PATH: process.env.PATH, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk) => (this.stdout += chunk));
    this.child.stderr?.on('data', (chunk) => (this.stderr += chunk));
    return this;
  }

  async ready(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null) throw new Error(`${this.entry} exited: ${this.stdout}${this.stderr}`);
      const ok = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.entry} not ready in ${timeoutMs} ms: ${this.stdout}${this.stderr}`);
  }

  /** SIGTERM, SIGKILL if it hangs; only this child, by its own pid. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
