import { Module } from '@nestjs/common';
import { SessionsModule } from '../auth/sessions.module';
import { ClientCache } from '../clients/client-cache';
import { ClientSecretHasher } from '../clients/client-secret.hasher';
import { ClientsService } from '../clients/clients.service';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { DiscoveryController } from '../discovery/discovery.controller';
import { ExchangeModule } from '../exchange/exchange.module';
import { OidcModule } from '../oidc/oidc.module';
import { RevocationModule } from '../revocation/revocation.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { PasswordHasher } from '../users/password.hasher';
import { UsersModule } from '../users/users.module';
import { AccessTokenInspectionModule } from './access-token-inspection.module';
import { ClientAuthentication } from './client-authentication';
import { ClientCredentialsGrant } from './client-credentials.grant';
import { OAuthController } from './oauth.controller';
import { RefreshTokenGrant } from './refresh-token.grant';
import { TokenIntrospectionService } from './token-introspection.service';
import { TokenRevocationService } from './token-revocation.service';

/** The OAuth 2.0 endpoints (/oauth/token, /revoke, /introspect), their clients and client authentication, and discovery. */
@Module({
  imports: [SessionsModule, AccessTokenInspectionModule, RevocationModule, ThrottleModule, UsersModule, ExchangeModule, OidcModule],
  controllers: [OAuthController, DiscoveryController],
  providers: [
    // Keyed client-secret hashes use a key derived from KEY_ENCRYPTION_KEY (see ClientSecretHasher).
    {
      provide: ClientSecretHasher,
      useFactory: (passwords: PasswordHasher, config: IssuerConfig) => new ClientSecretHasher(passwords, config.keyEncryptionKey),
      inject: [PasswordHasher, ISSUER_CONFIG],
    },
    ClientCache,
    ClientsService,
    ClientAuthentication,
    RefreshTokenGrant,
    ClientCredentialsGrant,
    TokenRevocationService,
    TokenIntrospectionService,
  ],
})
export class OAuthModule {}
