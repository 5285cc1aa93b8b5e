import { ChildProcess, spawn } from 'node:child_process';
import { builtEntry } from './built-app';

/** A real issuer process (`node dist/apps/auth-issuer/src/main.js`), as a replica runs in production. */
export class IssuerProcess {
  private child?: ChildProcess;
  output = '';

  constructor(
    readonly url: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  start(): void {
    this.child = spawn(process.execPath, [builtEntry('apps/auth-issuer/src/main.js')], {
      env: { PATH: process.env.PATH, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk) => (this.output += chunk));
    this.child.stderr?.on('data', (chunk) => (this.output += chunk));
  }

  /** Resolves once /health answers 200; fails with the process output if it exits or takes too long. */
  async ready(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null) throw new Error(`issuer exited: ${this.output}`);
      const ok = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`issuer not ready in ${timeoutMs} ms: ${this.output}`);
  }

  /** SIGTERM (graceful), SIGKILL if it hangs. Only this child, by its own pid. */
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
