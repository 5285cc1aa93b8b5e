import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ENTITIES } from '../database/typeorm.options';
import { CLOCK, Clock, SYSTEM_CLOCK } from './clock';
import { IssuerKeySource } from './issuer-key.source';
import { KeyChangeNotifier } from './key-change.notifier';
import { KeyEventsPublisher } from './key-events.publisher';
import { KeyImportService } from './key-import.service';
import { KeyRotationService } from './key-rotation.service';
import { SigningKeyStore } from './signing-key.store';
import { SigningKeysService } from './signing-keys.service';

/** What changes keys, shared by the server and the operator CLI (which has no key ring, scheduler or listener). */
export const KEY_LIFECYCLE_PROVIDERS: Provider[] = [KeyEventsPublisher, KeyChangeNotifier, KeyRotationService, KeyImportService];

@Module({})
class IssuerKeysModule {}

/** The key store, the in-memory key ring and the clock, global so guards and signers reach them. */
export function issuerKeysModule(clock: Clock = SYSTEM_CLOCK): DynamicModule {
  return {
    module: IssuerKeysModule,
    global: true,
    imports: [TypeOrmModule.forFeature(ENTITIES)],
    providers: [SigningKeyStore, SigningKeysService, IssuerKeySource, { provide: CLOCK, useValue: clock }],
    exports: [SigningKeyStore, SigningKeysService, IssuerKeySource, CLOCK],
  };
}
