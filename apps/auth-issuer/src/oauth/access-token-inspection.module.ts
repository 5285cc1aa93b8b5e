import { Module } from '@nestjs/common';
import { KeyRingModule } from '../keys/ring/key-ring.module';
import { AccessTokenInspector } from './access-token.inspector';

/** The issuer's check of its own access tokens for any audience: for revocation, introspection and token exchange. */
@Module({
  imports: [KeyRingModule],
  providers: [AccessTokenInspector],
  exports: [AccessTokenInspector],
})
export class AccessTokenInspectionModule {}
