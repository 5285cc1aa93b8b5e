import { adminAudienceOf } from '@app/contract';
import { ClientEntity } from './client.entity';

/** The operator console's client id: reserved, never registrable, never a database row. */
export const OPERATOR_CONSOLE_CLIENT_ID = 'operator-console';
/** Where the console receives its authorization response: the console page itself. */
const OPERATOR_CONSOLE_CALLBACK_PATH = '/console/callback';

/**
 * The issuer's own operator console as a code-flow client: public (PKCE), first-party, its one redirect URI under
 * ISSUER_URL, and the admin audience as its only audience. Built from configuration on every lookup rather than
 * seeded, so it exists in every environment, follows ISSUER_URL, and no operator command can widen or disable it.
 * It is the only client that can hold the admin audience; registration refuses that audience to all others.
 */
export function operatorConsoleClient(issuerUrl: string): ClientEntity {
  return Object.assign(new ClientEntity(), {
    clientId: OPERATOR_CONSOLE_CLIENT_ID,
    secretHash: null,
    secretHashAlg: 'argon2id',
    clientType: 'public',
    redirectUris: [`${issuerUrl}${OPERATOR_CONSOLE_CALLBACK_PATH}`],
    postLogoutRedirectUris: [`${issuerUrl}/console`],
    firstParty: true,
    backchannelLogoutUri: null,
    allowedScopes: [],
    allowedAudiences: [adminAudienceOf(issuerUrl)],
    createdAt: new Date(0),
    disabled: false,
    exchangeAudiences: [],
    exchangeScopes: [],
  } satisfies ClientEntity);
}

export function isOperatorConsole(client: Pick<ClientEntity, 'clientId'> | undefined): boolean {
  return client?.clientId === OPERATOR_CONSOLE_CLIENT_ID;
}
