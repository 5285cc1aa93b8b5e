import { Module } from '@nestjs/common';
import { SessionsModule } from '../auth/sessions.module';
import { AccessTokenInspectionModule } from '../oauth/access-token-inspection.module';
import { RevocationModule } from '../revocation/revocation.module';
import { UsersModule } from '../users/users.module';
import { DemoExchangeClientSeeder } from './demo-exchange-client.seeder';
import { TokenExchangeGrant } from './token-exchange.grant';

/**
 * Token exchange (RFC 8693): the grant the token endpoint dispatches to, and the contract's demo service client.
 * Verifies subject tokens through the inspection module and the revocation reader; signs with the session signer.
 */
@Module({
  imports: [AccessTokenInspectionModule, RevocationModule, SessionsModule, UsersModule],
  providers: [TokenExchangeGrant, DemoExchangeClientSeeder],
  exports: [TokenExchangeGrant],
})
export class ExchangeModule {}
