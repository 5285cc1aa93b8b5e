import { Module } from '@nestjs/common';
import { KeyEventsPublisher } from './key-events.publisher';

/** Announces key changes on Redis, to the other replicas and the guards; the CLI announces too. */
@Module({
  providers: [KeyEventsPublisher],
  exports: [KeyEventsPublisher],
})
export class KeyEventsModule {}
