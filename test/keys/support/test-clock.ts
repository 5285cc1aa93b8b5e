import type { Clock } from '../../../apps/auth-issuer/src/core/clock';

/**
 * Real time plus an offset the test moves. The issuer's key lifecycle reads it through `now()`
 * (counted, so a test can wait for complete scheduler ticks); guards read it through `nowMs()`.
 */
export class TestClock implements Clock {
  private offsetMs = 0;
  private reads = 0;
  private waiters: { at: number; resolve: () => void }[] = [];

  now(): Date {
    this.reads += 1;
    for (const waiter of this.waiters.filter((w) => w.at <= this.reads)) waiter.resolve();
    this.waiters = this.waiters.filter((w) => w.at > this.reads);
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the clock to `at`. */
  set(at: Date | number): void {
    this.offsetMs = (typeof at === 'number' ? at : at.getTime()) - Date.now();
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  /**
   * Resolves after the lifecycle has read the clock `reads` more times. Ticks never overlap within a
   * process, so after two reads at least one whole tick ran with the current time.
   */
  afterReads(reads = 2, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the key lifecycle did not tick ${reads} times within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ at: this.reads + reads, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }
}
