import { DynamicModule, Module } from '@nestjs/common';
import { KeyEventsModule } from '../events/key-events.module';
import { KeyRingModule } from '../ring/key-ring.module';
import { KeyChangeTransaction } from './key-change.transaction';
import { KeyImportService } from './key-import.service';
import { KeyRotationService } from './key-rotation.service';

const LIFECYCLE = [KeyChangeTransaction, KeyRotationService, KeyImportService];

/** What changes keys (rotate, revoke, import, the lifecycle tick), each change under the key lock and audited. */
@Module({})
export class KeyLifecycleModule {
  /** In the server a committed change also swaps this replica's key ring at once. */
  static withKeyRing(): DynamicModule {
    return { module: KeyLifecycleModule, imports: [KeyEventsModule, KeyRingModule], providers: LIFECYCLE, exports: [KeyRotationService, KeyImportService] };
  }

  /** The operator CLI has no ring: running issuers hear of its changes on Redis or at their next reload. */
  static withoutKeyRing(): DynamicModule {
    return { module: KeyLifecycleModule, imports: [KeyEventsModule], providers: LIFECYCLE, exports: [KeyRotationService, KeyImportService] };
  }
}
