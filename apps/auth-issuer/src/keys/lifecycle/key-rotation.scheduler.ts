import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { KeyRotationService } from './key-rotation.service';

const KEY_LIFECYCLE_INTERVAL = 'signing-key-lifecycle';

/**
 * Runs the lifecycle tick at start (first key, and whatever fell due while no replica ran) and then every
 * KEY_ROTATION_TICK seconds. The tick only compares stored timestamps with the clock, so a missed or
 * doubled tick, or one on another replica, changes nothing that is not due.
 */
@Injectable()
export class KeyRotationScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('KeyRotation');
  private running?: Promise<void>;

  constructor(
    private readonly rotation: KeyRotationService,
    private readonly registry: SchedulerRegistry,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const changes = await this.rotation.tick({ subject: null, via: 'startup' });
    for (const change of changes) this.logger.log(`${change.type} kid=${change.kid}`);
    const timer = setInterval(() => void this.runTick(), this.config.keys.tickSeconds * 1000);
    timer.unref();
    // Registered so ScheduleModule clears it at shutdown.
    this.registry.addInterval(KEY_LIFECYCLE_INTERVAL, timer);
  }

  /** Stops ticking before the database connection closes, letting a tick in flight finish. */
  async onModuleDestroy(): Promise<void> {
    if (this.registry.doesExist('interval', KEY_LIFECYCLE_INTERVAL)) this.registry.deleteInterval(KEY_LIFECYCLE_INTERVAL);
    await this.running;
  }

  private runTick(): void {
    // A slow tick (database stall) is not stacked on by the next one.
    if (this.running) return;
    this.running = this.rotation
      .tick({ subject: null, via: 'schedule' })
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn(`key lifecycle tick failed; retrying next tick: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => (this.running = undefined));
  }
}
