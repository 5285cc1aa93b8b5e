export interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 10_000;

/**
 * Everything the launcher started, stopped in reverse order: apps close before the
 * stores they still talk to. A signal and a failed start share it, so it runs once.
 */
export class Teardown {
  private readonly started: Stoppable[] = [];
  private running?: Promise<void>;

  add(item: Stoppable): void {
    this.started.push(item);
  }

  run(): Promise<void> {
    this.running ??= this.stopAll();
    return this.running;
  }

  private async stopAll(): Promise<void> {
    for (let item = this.started.pop(); item; item = this.started.pop()) {
      try {
        await withTimeout(item.stop(), STOP_TIMEOUT_MS);
      } catch (error) {
        // Keep going: one stuck app must not leave postgres or redis running.
        console.error(`${item.name}: stop failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not stop within ${ms / 1000}s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
