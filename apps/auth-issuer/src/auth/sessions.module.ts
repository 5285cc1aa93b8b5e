import { Module } from '@nestjs/common';
import { SessionCookies } from '../cookies/session-cookies';
import { KeyRingModule } from '../keys/ring/key-ring.module';
import { RefreshTokensService } from '../refresh/refresh-tokens.service';
import { RevocationModule } from '../revocation/revocation.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { AccessTokenSigner } from '../tokens/access-token.signer';
import { TokenIssuer } from '../tokens/token-issuer.service';
import { DemoUsersSeeder } from '../users/demo-users.seeder';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { LoginService } from './login.service';
import { SessionService } from './session.service';
import { SessionTokenGuard } from './session-token.guard';

/**
 * Sessions and tokens: /auth/login, /auth/refresh, /auth/logout; access tokens signed with the ring's active
 * key, rotating refresh tokens, cookie delivery, the demo users. The OAuth endpoints reuse the session
 * (refresh grant), the signer (client credentials) and the refresh tokens (revocation); the OpenID sign-in page
 * checks passwords with the login service.
 */
@Module({
  imports: [UsersModule, KeyRingModule, RevocationModule, ThrottleModule],
  controllers: [AuthController],
  providers: [LoginService, SessionService, TokenIssuer, AccessTokenSigner, RefreshTokensService, SessionCookies, SessionTokenGuard, DemoUsersSeeder],
  exports: [SessionService, AccessTokenSigner, RefreshTokensService, LoginService],
})
export class SessionsModule {}
