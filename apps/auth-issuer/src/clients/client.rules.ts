import { FIRST_PARTY_CLIENT_ID } from '@app/contract';
import { IssuerError } from '../errors/issuer.error';
import type { ClientType } from './client.entity';
import { OPERATOR_CONSOLE_CLIENT_ID } from './operator-console.client';
import { isValidRedirectUri } from './redirect-uri.rules';

/** Client ids: short, URL- and header-safe. */
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/**
 * A client token's `sub` is its client_id (RFC 9068 §2.2); user subjects are UUIDs, so a UUID-shaped
 * client id could pose as a user at every resource service. Refused outright.
 */
const UUID_SHAPED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
/** An audience is a service name or URI: printable, no spaces. */
const AUDIENCE = /^[\x21-\x7E]{1,256}$/;
/** Operator-supplied secrets must carry real entropy; generated ones have 256 bits. */
const MIN_CLIENT_SECRET_LENGTH = 32;
export const MAX_CLIENT_SECRET_BYTES = 1024;

/** A registrable client id. The first-party app's id is reserved: a client holding it would see every user token. */
export function isValidClientId(value: string): boolean {
  return CLIENT_ID.test(value) && !UUID_SHAPED.test(value) && value !== FIRST_PARTY_CLIENT_ID;
}

function isValidScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}

function isValidAudience(value: string): boolean {
  return AUDIENCE.test(value);
}

/** Compared without trailing slashes, as ISSUER_URL itself is read. */
export function isReservedAudience(audience: string, reservedAudiences: readonly string[]): boolean {
  return reservedAudiences.includes(audience.replace(/\/+$/, ''));
}

/** A space-delimited scope parameter as a set; an invalid scope-token is `invalid_scope`. */
export function parseScopeParameter(value: string): string[] {
  const scopes = [...new Set(value.split(' ').filter(Boolean))];
  if (!scopes.every(isValidScopeToken)) throw new IssuerError('invalid_scope', 'scope contains an invalid scope-token');
  return scopes;
}

export interface NewClient {
  clientId: string;
  /** Required for a confidential client; a public client has none. */
  secret?: string;
  /** The secret is 256 random bits from the issuer's tooling (it may get the keyed hash); default: operator-chosen. */
  secretGenerated?: boolean;
  scopes: string[];
  audiences: string[];
  /** Token exchange (RFC 8693): audiences this client may exchange user tokens toward. Default none. */
  exchangeAudiences?: string[];
  /** Scopes its exchanged tokens may carry. Default none. */
  exchangeScopes?: string[];
  /** Default confidential. */
  type?: ClientType;
  /** Code-flow redirect URIs (exact); none: the client cannot use the authorization endpoint. */
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  firstParty?: boolean;
  /** OpenID Back-Channel Logout 1.0 receiver: https, or http on a loopback host; needs redirect URIs. */
  backchannelLogoutUri?: string;
}

/**
 * Checks a registration before anything is hashed or stored. `reservedAudiences` are the issuer's own
 * (its URL and its admin audience): a client token for them would act as a user, or an admin, at the issuer.
 */
export function assertValidNewClient(client: NewClient, reservedAudiences: readonly string[]): void {
  const { clientId, secret, scopes, audiences } = client;
  if (clientId === FIRST_PARTY_CLIENT_ID) throw new IssuerError('invalid_request', `client id ${FIRST_PARTY_CLIENT_ID} is reserved for user sessions`);
  if (clientId === OPERATOR_CONSOLE_CLIENT_ID) throw new IssuerError('invalid_request', `client id ${OPERATOR_CONSOLE_CLIENT_ID} is the issuer's own console`);
  if (!isValidClientId(clientId)) throw new IssuerError('invalid_request', 'client id must be 1-64 of A-Z a-z 0-9 . _ - and not UUID-shaped');
  assertValidCodeFlow(client);
  if (secret === undefined) {
    if (client.type !== 'public') throw new IssuerError('invalid_request', 'a confidential client needs a secret');
  } else if (client.type === 'public') throw new IssuerError('invalid_request', 'a public client has no secret');
  else if (secret.length < MIN_CLIENT_SECRET_LENGTH)
    throw new IssuerError('invalid_request', `client secret must be at least ${MIN_CLIENT_SECRET_LENGTH} characters`);
  else if (Buffer.byteLength(secret, 'utf8') > MAX_CLIENT_SECRET_BYTES)
    throw new IssuerError('invalid_request', `client secret must be at most ${MAX_CLIENT_SECRET_BYTES} bytes`);
  const badScope = scopes.find((scope) => !isValidScopeToken(scope));
  if (badScope !== undefined) throw new IssuerError('invalid_request', `scope "${badScope}" is not a valid scope-token`);
  if (audiences.length === 0) throw new IssuerError('invalid_request', 'a client needs at least one audience: the service it calls');
  const badAudience = audiences.find((audience) => !isValidAudience(audience));
  if (badAudience !== undefined) throw new IssuerError('invalid_request', `audience "${badAudience}" is not valid`);
  const reserved = audiences.find((audience) => isReservedAudience(audience, reservedAudiences));
  if (reserved !== undefined) throw new IssuerError('invalid_request', `audience "${reserved}" is the issuer's own; no client may hold it`);
  assertValidExchangePolicy(client, reservedAudiences);
}

/** The issuer's own audiences are never an exchange target: an exchanged token would act as the user at the issuer. */
function assertValidExchangePolicy({ exchangeAudiences = [], exchangeScopes = [] }: NewClient, reservedAudiences: readonly string[]): void {
  const bad = exchangeAudiences.find((audience) => !isValidAudience(audience) || isReservedAudience(audience, reservedAudiences));
  if (bad !== undefined) throw new IssuerError('invalid_request', `exchange audience "${bad}" is not valid or is the issuer's own`);
  const badScope = exchangeScopes.find((scope) => !isValidScopeToken(scope));
  if (badScope !== undefined) throw new IssuerError('invalid_request', `exchange scope "${badScope}" is not a valid scope-token`);
  if (exchangeScopes.length > 0 && exchangeAudiences.length === 0)
    throw new IssuerError('invalid_request', 'exchange scopes need at least one exchange audience');
}

/** A public client exists only for the code flow; every URI must be registrable (no wildcard, no fragment). */
function assertValidCodeFlow({ type, redirectUris = [], postLogoutRedirectUris = [], backchannelLogoutUri }: NewClient): void {
  if (type !== undefined && type !== 'public' && type !== 'confidential')
    throw new IssuerError('invalid_request', 'client type must be public or confidential');
  if (type === 'public' && redirectUris.length === 0) throw new IssuerError('invalid_request', 'a public client needs at least one redirect URI');
  const bad = [...redirectUris, ...postLogoutRedirectUris].find((uri) => !isValidRedirectUri(uri));
  if (bad !== undefined)
    throw new IssuerError(
      'invalid_request',
      `"${bad}" is not a registrable redirect URI (absolute https, or http on a loopback host; no fragment or wildcard)`,
    );
  if (backchannelLogoutUri === undefined) return;
  // The issuer POSTs logout tokens there: the same rules as a redirect URI (OpenID Back-Channel Logout 1.0 §2.2: no fragment).
  if (!isValidRedirectUri(backchannelLogoutUri))
    throw new IssuerError('invalid_request', 'the back-channel logout URI must be absolute https, or http on a loopback host, without fragment or wildcard');
  if (redirectUris.length === 0) throw new IssuerError('invalid_request', 'a back-channel logout URI needs a code-flow client (redirect URIs)');
}
