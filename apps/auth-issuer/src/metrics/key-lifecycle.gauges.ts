import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Gauge, type Registry } from 'prom-client';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { keyTiming } from '../keys/lifecycle/key-timing';
import { SigningKeyStore } from '../keys/store/signing-key.store';
import { keyTimeline } from './key-timeline';
import { METRICS_REGISTRY } from './metrics.tokens';

/**
 * Key lifecycle as gauges, read from the key table at scrape time:
 * `issuer_signing_key_timestamp_seconds{kid, alg, state, event}` (created, activate_after, activated, retired,
 * remove_after, removed, revoked, and rotation_due for the active key) and `issuer_signing_keys{state}`.
 */
@Injectable()
export class KeyLifecycleGauges implements OnModuleInit {
  private readonly logger = new Logger('KeyLifecycleGauges');

  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly store: SigningKeyStore,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  onModuleInit(): void {
    const read = () => this.timeline();
    const registers = [this.registry];
    new Gauge({
      name: 'issuer_signing_key_timestamp_seconds',
      help: 'Signing-key lifecycle moments (unix seconds) by kid and event; rotation_due: when the active key is replaced',
      labelNames: ['kid', 'alg', 'state', 'event'],
      registers,
      async collect() {
        this.reset();
        for (const key of await read()) {
          for (const [event, at] of Object.entries(key.events))
            if (at) this.set({ kid: key.kid, alg: key.alg, state: key.state, event }, Date.parse(at) / 1000);
        }
      },
    });
    new Gauge({
      name: 'issuer_signing_keys',
      help: 'Signing keys by state (removed keys excluded)',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        const keys = await read();
        for (const state of ['pending', 'active', 'retired']) this.set({ state }, keys.filter((key) => key.state === state).length);
      },
    });
  }

  /** The unremoved keys (and nothing when the database does not answer: a scrape must not fail for it). */
  private async timeline() {
    try {
      return keyTimeline(await this.store.findAll(), keyTiming(this.config)).filter((key) => key.state !== 'removed');
    } catch (error) {
      this.logger.warn(`key gauges unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }
}
