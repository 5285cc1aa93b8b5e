import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AdminAudienceGuard } from '../admin/admin-audience.guard';
import { KeyEventsListener } from './events/key-events.listener';
import { KeyEventsModule } from './events/key-events.module';
import { AdminKeysController } from './http/admin-keys.controller';
import { JwksController } from './http/jwks.controller';
import { KeyLifecycleModule } from './lifecycle/key-lifecycle.module';
import { KeyRotationScheduler } from './lifecycle/key-rotation.scheduler';
import { KeyRingModule } from './ring/key-ring.module';
import { KeyRingWatch } from './ring/key-ring.watch';

/**
 * The server's key feature: the ring kept current (events from other replicas, periodic re-read), the
 * lifecycle on a schedule, the JWKS and the admin key API. Exports nothing: signers and verifiers import
 * KeyRingModule, which this module shares.
 */
@Module({
  imports: [ScheduleModule.forRoot(), KeyRingModule, KeyEventsModule, KeyLifecycleModule.withKeyRing()],
  controllers: [JwksController, AdminKeysController],
  providers: [KeyRingWatch, KeyEventsListener, KeyRotationScheduler, AdminAudienceGuard],
})
export class KeysModule {}
