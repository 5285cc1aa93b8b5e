import { Injectable } from '@nestjs/common';

/** Counters of guard outcomes by reason code; cheap enough for every request. */
@Injectable()
export class GuardMetrics {
  private readonly counts = new Map<string, number>();

  increment(outcome: string): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
