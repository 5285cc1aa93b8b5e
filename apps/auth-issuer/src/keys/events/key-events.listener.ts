import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IssuerEvent } from '@app/contract';
import { createRedisClient, IssuerEventsSubscription, type RedisClient } from '@app/platform';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { SigningKeysService } from '../ring/signing-keys.service';

/**
 * Reloads this replica's key ring as soon as any replica (or the CLI) announces a key change, so a new
 * active key or a revocation takes effect everywhere at once. Without Redis the periodic reload still
 * bounds the lag; after every (re)subscription the ring is reloaded, since messages sent meanwhile are lost.
 */
@Injectable()
export class KeyEventsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('KeyEvents');
  private connection?: RedisClient;
  private subscription?: IssuerEventsSubscription;

  constructor(
    private readonly keys: SigningKeysService,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  onApplicationBootstrap(): void {
    // A connection of its own (a subscribed connection can run nothing else) that waits for Redis instead of failing fast;
    // resubscribing after a reconnect is the subscription's, followed by a reload.
    const connection = createRedisClient(this.config.redis, {
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      commandTimeout: undefined,
      autoResubscribe: false,
    });
    this.connection = connection;
    this.subscription = new IssuerEventsSubscription(
      connection,
      this.config.redisPrefix,
      { event: (event) => this.onEvent(event), resync: () => this.reload('subscribing to key events') },
      this.logger,
    );
    void this.subscription.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscription?.stop();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }

  private onEvent(event: IssuerEvent): void {
    // subject-cutoff is for guards: the ring holds keys only.
    if (event.type === 'keys-changed' || event.type === 'key-revoked') this.reload(event.type);
  }

  private reload(reason: string): void {
    this.keys
      .reload()
      .catch((error: unknown) => this.logger.warn(`key reload after ${reason} failed: ${error instanceof Error ? error.message : String(error)}`));
  }
}
