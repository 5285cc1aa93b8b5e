import { Module } from '@nestjs/common';
import { SessionsModule } from '../auth/sessions.module';
import { KeyRingModule } from '../keys/ring/key-ring.module';
import { ThrottleModule } from '../throttle/throttle.module';
import { UsersModule } from '../users/users.module';
import { BackChannelLogout } from './backchannel/backchannel-logout.service';
import { LogoutTokenSigner } from './backchannel/logout-token.signer';
import { AuthorizationResponder } from './authorize/authorization-responder';
import { AuthorizeController } from './authorize/authorize.controller';
import { CodeFlowClients } from './clients/code-flow-clients';
import { AuthorizationCodesService } from './codes/authorization-codes.service';
import { ConsentController } from './consent/consent.controller';
import { ConsentGate } from './consent/consent-gate';
import { ConsentService } from './consent/consent.service';
import { DemoClientsSeeder } from './demo/demo-clients.seeder';
import { LoginCsrf } from './login/login-csrf';
import { LoginPageController } from './login/login-page.controller';
import { EndSessionController } from './logout/end-session.controller';
import { SsoLogoutEverywhere } from './sessions/sso-logout-everywhere';
import { SsoSessionService } from './sessions/sso-session.service';
import { AuthorizationCodeGrant } from './tokens/authorization-code.grant';
import { IdTokenSigner } from './tokens/id-token.signer';
import { UserInfoController } from './userinfo/userinfo.controller';

/**
 * OpenID Connect sign-in for web apps: the authorization endpoint, the hosted sign-in and consent pages, issuer
 * SSO sessions, authorization codes, ID tokens, UserInfo, RP-initiated and back-channel logout. The token endpoint (OAuthModule)
 * redeems codes through the one export, AuthorizationCodeGrant.
 */
@Module({
  imports: [SessionsModule, KeyRingModule, ThrottleModule, UsersModule],
  controllers: [AuthorizeController, LoginPageController, UserInfoController, EndSessionController, ConsentController],
  providers: [
    CodeFlowClients,
    SsoSessionService,
    AuthorizationCodesService,
    AuthorizationResponder,
    LoginCsrf,
    IdTokenSigner,
    AuthorizationCodeGrant,
    DemoClientsSeeder,
    ConsentService,
    ConsentGate,
    LogoutTokenSigner,
    BackChannelLogout,
    SsoLogoutEverywhere,
  ],
  exports: [AuthorizationCodeGrant],
})
export class OidcModule {}
