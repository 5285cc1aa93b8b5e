import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { IssuerEvent, redisKeys } from '@app/contract';
import { createRedisClient } from '@app/platform';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { SigningKeysService } from '../ring/signing-keys.service';

/**
 * Reloads this replica's key ring as soon as any replica (or the CLI) announces a key change, so a new
 * active key or a revocation takes effect everywhere at once. Without Redis the periodic reload still
 * bounds the lag; after a reconnect the ring is reloaded, since messages sent meanwhile are lost.
 */
@Injectable()
export class KeyEventsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('KeyEvents');
  private subscriber?: Redis;

  constructor(
    private readonly keys: SigningKeysService,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  onApplicationBootstrap(): void {
    const channel = redisKeys(this.config.redisPrefix).events;
    // A subscriber connection of its own (a subscribed connection can run nothing else); it waits for Redis instead of failing fast.
    const subscriber = createRedisClient(this.config.redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined });
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, message: string) => this.onMessage(message));
    let connectedBefore = false;
    subscriber.on('ready', () => {
      if (connectedBefore) this.reload('reconnected to Redis');
      connectedBefore = true;
    });
    subscriber.subscribe(channel).catch((error: unknown) => this.logger.warn(`cannot subscribe to key events: ${error instanceof Error ? error.message : error}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  private onMessage(message: string): void {
    let event: IssuerEvent;
    try {
      event = JSON.parse(message) as IssuerEvent;
    } catch {
      return;
    }
    if (event?.type === 'keys-changed' || event?.type === 'key-revoked') this.reload(event.type);
  }

  private reload(reason: string): void {
    this.keys.reload().catch((error: unknown) => this.logger.warn(`key reload after ${reason} failed: ${error instanceof Error ? error.message : error}`));
  }
}
