import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { KeyEventsPublisher } from '../events/key-events.publisher';
import { SigningKeysService } from './signing-keys.service';

/**
 * Makes sure guards and replicas hear of every key change, even one whose maker died between its
 * commit and its announcement (SIGKILL, OOM, a lost COMMIT answer):
 * - every KEY_RELOAD_INTERVAL this replica re-reads the table; a change that reached it without an
 *   announcement is announced now;
 * - once the HTTP server listens, a starting replica announces its key set once, so a restart repairs a
 *   crash's lost notice (earlier, guards would refetch from a port that is not open yet).
 */
@Injectable()
export class KeyRingWatch implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('KeyRingWatch');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly keys: SigningKeysService,
    private readonly events: KeyEventsPublisher,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.check(), this.config.keys.reloadIntervalSeconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Called by startIssuer after listen: guards refetch the JWKS from a server that now answers. */
  async listening(): Promise<void> {
    await this.events.publish({ type: 'keys-changed' });
  }

  private async check(): Promise<void> {
    try {
      if (!(await this.keys.reload())) return;
      this.logger.log('key set changed without a notice reaching this replica; announcing it');
      await this.events.publish({ type: 'keys-changed' });
    } catch (error) {
      this.logger.warn(`key reload failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
