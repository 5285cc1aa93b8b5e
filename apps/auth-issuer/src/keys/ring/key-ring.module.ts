import { Module } from '@nestjs/common';
import { IssuerKeySource } from './issuer-key.source';
import { SigningKeysService } from './signing-keys.service';

/**
 * The in-memory key ring: what signs (SigningKeysService) and what verifies the issuer's own tokens
 * (IssuerKeySource, for its guard and introspection). Server only: the CLI holds no ring.
 */
@Module({
  providers: [SigningKeysService, IssuerKeySource],
  exports: [SigningKeysService, IssuerKeySource],
})
export class KeyRingModule {}
