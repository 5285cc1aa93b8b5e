import { Module } from '@nestjs/common';
import { SessionsModule } from '../auth/sessions.module';
import { KeyRingModule } from '../keys/ring/key-ring.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { UsersModule } from '../users/users.module';
import { AuthorizationResponder } from './authorize/authorization-responder';
import { AuthorizeController } from './authorize/authorize.controller';
import { CodeFlowClients } from './clients/code-flow-clients';
import { AuthorizationCodesService } from './codes/authorization-codes.service';
import { DemoClientsSeeder } from './demo/demo-clients.seeder';
import { LoginCsrf } from './login/login-csrf';
import { LoginPageController } from './login/login-page.controller';
import { EndSessionController } from './logout/end-session.controller';
import { SsoSessionService } from './sessions/sso-session.service';
import { AuthorizationCodeGrant } from './tokens/authorization-code.grant';
import { IdTokenSigner } from './tokens/id-token.signer';
import { UserInfoController } from './userinfo/userinfo.controller';

/**
 * OpenID Connect sign-in for web apps: the authorization endpoint, the hosted sign-in page, issuer SSO
 * sessions, authorization codes, ID tokens, UserInfo and RP-initiated logout. The token endpoint (OAuthModule)
 * redeems codes through the one export, AuthorizationCodeGrant.
 */
@Module({
  imports: [SessionsModule, KeyRingModule, ThrottleModule, UsersModule],
  controllers: [AuthorizeController, LoginPageController, UserInfoController, EndSessionController],
  providers: [
    CodeFlowClients,
    SsoSessionService,
    AuthorizationCodesService,
    AuthorizationResponder,
    LoginCsrf,
    IdTokenSigner,
    AuthorizationCodeGrant,
    DemoClientsSeeder,
  ],
  exports: [AuthorizationCodeGrant],
})
export class OidcModule {}
