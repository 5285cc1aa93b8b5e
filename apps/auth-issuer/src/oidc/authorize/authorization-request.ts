import type { ClientEntity } from '../../clients/client.entity';
import { isValidClientId, parseScopeParameter } from '../../clients/client.rules';
import { matchesRegisteredUri } from '../../clients/redirect-uri.rules';
import { isS256Challenge } from '../codes/pkce';
import { OIDC_SCOPES } from '../oidc.constants';

export type Params = Record<string, unknown>;

/** A validated authorization request (OpenID Connect Core §3.1.2.1, RFC 7636). */
export interface AuthorizationRequest {
  client: ClientEntity;
  redirectUri: string;
  state?: string;
  nonce?: string;
  scopes: string[];
  codeChallenge: string;
  prompt: { none: boolean; login: boolean; consent: boolean };
  maxAge?: number;
}

/** The client and redirect URI are trusted; errors go back to the client (§3.1.2.6). */
export interface RedirectableError {
  redirectUri: string;
  state?: string;
  error: string;
  description: string;
}

export type Outcome =
  | { kind: 'ok'; request: AuthorizationRequest }
  /** Unknown client or unregistered redirect URI: shown on the issuer's own page, never redirected (RFC 6749 §4.1.2.1). */
  | { kind: 'page'; message: string }
  | { kind: 'redirect'; error: RedirectableError };

const MAX_VALUE = 2048;
const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);

/** One value per parameter (OAuth 2.0 §3.1): a repeated one is a malformed request. Empty counts as absent. */
function single(params: Params, name: string): string | undefined | null {
  if (!Object.prototype.hasOwnProperty.call(params, name)) return undefined;
  const value = params[name];
  if (typeof value !== 'string' || value.length > MAX_VALUE) return null;
  return value === '' ? undefined : value;
}

/** The client_id a request names, or null when it cannot name one. */
export function requestedClientId(params: Params): string | null {
  const clientId = single(params, 'client_id');
  return typeof clientId === 'string' && isValidClientId(clientId) ? clientId : null;
}

/** Validates a request against its registered client (`client` undefined: none by that id). */
export function validateAuthorizationRequest(params: Params, client: ClientEntity | undefined): Outcome {
  if (typeof params !== 'object' || params === null) return { kind: 'page', message: 'The request is malformed.' };
  if (!client || client.disabled || client.redirectUris.length === 0)
    return { kind: 'page', message: 'The application that sent you here is not registered for sign-in.' };
  const redirectUri = single(params, 'redirect_uri');
  if (typeof redirectUri !== 'string' || !matchesRegisteredUri(redirectUri, client.redirectUris)) {
    return { kind: 'page', message: 'The application asked to return to an address it has not registered.' };
  }
  const stateValue = single(params, 'state');
  const state = typeof stateValue === 'string' ? stateValue : undefined;
  const fail = (error: string, description: string): Outcome => ({ kind: 'redirect', error: { redirectUri, state, error, description } });
  for (const name of [
    'state',
    'nonce',
    'response_type',
    'scope',
    'code_challenge',
    'code_challenge_method',
    'prompt',
    'max_age',
    'response_mode',
    'resource',
  ]) {
    if (single(params, name) === null) return fail('invalid_request', `${name} must appear at most once`);
  }
  if (single(params, 'request') !== undefined) return fail('request_not_supported', 'request objects are not supported');
  if (single(params, 'request_uri') !== undefined) return fail('request_uri_not_supported', 'request_uri is not supported');
  const responseType = single(params, 'response_type');
  if (responseType === undefined) return fail('invalid_request', 'response_type is required');
  if (responseType !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported');
  const responseMode = single(params, 'response_mode');
  if (responseMode !== undefined && responseMode !== 'query') return fail('invalid_request', 'only response_mode=query is supported');
  // RFC 8707 §2: a resource the client may not hold is invalid_target; the issuer's own audiences are held by the console alone.
  const resource = single(params, 'resource');
  if (resource !== undefined && !client.allowedAudiences.includes(resource as string))
    return fail('invalid_target', 'resource is not an audience of this client');
  const scopes = scopesOf(single(params, 'scope') ?? undefined, client);
  if (typeof scopes === 'string') return fail('invalid_scope', scopes);
  const challenge = single(params, 'code_challenge');
  const method = single(params, 'code_challenge_method');
  if (challenge === undefined) return fail('invalid_request', 'PKCE is required: code_challenge with code_challenge_method=S256');
  if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
  if (!isS256Challenge(challenge as string)) return fail('invalid_request', 'code_challenge must be 43 base64url characters');
  const prompt = promptOf(single(params, 'prompt') ?? undefined);
  if (!prompt) return fail('invalid_request', 'prompt must be none, or any of login, consent, select_account');
  const maxAge = maxAgeOf(single(params, 'max_age') ?? undefined);
  if (maxAge === null) return fail('invalid_request', 'max_age must be a non-negative integer');
  const nonce = single(params, 'nonce') ?? undefined;
  return { kind: 'ok', request: { client, redirectUri, state, nonce, scopes, codeChallenge: challenge as string, prompt, maxAge } };
}

/** `openid` is required; every scope must be an OpenID one or registered for the client. */
function scopesOf(value: string | undefined, client: ClientEntity): string[] | string {
  let scopes: string[];
  try {
    scopes = parseScopeParameter(value ?? '');
  } catch {
    return 'scope contains an invalid scope-token';
  }
  if (!scopes.includes('openid')) return 'scope must include openid';
  const known = new Set<string>([...OIDC_SCOPES, ...client.allowedScopes]);
  const unknown = scopes.find((scope) => !known.has(scope));
  return unknown === undefined ? scopes : `scope ${unknown} is not available to this client`;
}

function promptOf(value: string | undefined): AuthorizationRequest['prompt'] | undefined {
  const values = new Set((value ?? '').split(' ').filter(Boolean));
  if (![...values].every((v) => PROMPTS.has(v))) return undefined;
  // §3.1.2.1: none with anything else is an error.
  if (values.has('none') && values.size > 1) return undefined;
  return { none: values.has('none'), login: values.has('login'), consent: values.has('consent') };
}

function maxAgeOf(value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  return /^\d{1,9}$/.test(value) ? Number(value) : null;
}
