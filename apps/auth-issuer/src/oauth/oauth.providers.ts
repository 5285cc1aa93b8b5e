import type { Provider } from '@nestjs/common';
import { ClientsService } from '../clients/clients.service';
import { SessionCookies } from '../cookies/session-cookies';
import { RevocationReader } from '../revocation/revocation.reader';
import { AccessTokenInspector } from './access-token.inspector';
import { ClientAuthentication } from './client-authentication';
import { ClientCredentialsGrant } from './client-credentials.grant';
import { RefreshTokenGrant } from './refresh-token.grant';
import { TokenIntrospectionService } from './token-introspection.service';
import { TokenRevocationService } from './token-revocation.service';

/** Everything behind /oauth/* (and cookie delivery for /auth/*), listed once for the issuer module. */
export const OAUTH_PROVIDERS: Provider[] = [
  ClientsService,
  ClientAuthentication,
  AccessTokenInspector,
  RevocationReader,
  RefreshTokenGrant,
  ClientCredentialsGrant,
  TokenRevocationService,
  TokenIntrospectionService,
  SessionCookies,
];
