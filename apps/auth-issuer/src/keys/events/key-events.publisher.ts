import { issuerEventsRoute, publishIssuerEvent, type IssuerEventsRoute, type RedisClient } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { IssuerEvent } from '@app/contract';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { ISSUER_REDIS } from '../../redis/issuer-redis';

/**
 * Announces key changes on the events channel every issuer replica and guard listens to. Best effort:
 * a lost message only delays replicas to their next periodic reload and guards to their next JWKS refresh.
 */
@Injectable()
export class KeyEventsPublisher {
  private readonly route: IssuerEventsRoute;

  constructor(
    @Inject(ISSUER_REDIS) private readonly redis: RedisClient,
    @Inject(ISSUER_CONFIG) config: IssuerConfig,
  ) {
    this.route = issuerEventsRoute(redis, config.redisPrefix);
  }

  async publish(event: Extract<IssuerEvent, { type: 'keys-changed' | 'key-revoked' }>): Promise<void> {
    await publishIssuerEvent(this.redis, this.route, event).catch(() => undefined);
  }
}
