import * as client from 'openid-client';
import { version as joseVersion } from 'jose/package.json';
import { version as oauth4webapiVersion } from 'oauth4webapi/package.json';
import { version as openidClientVersion } from 'openid-client/package.json';

/** Versions the interop suite runs against, read from the installed packages (reported in docs/interop.md). */
export const LIBRARY_VERSIONS = {
  'openid-client': openidClientVersion,
  oauth4webapi: oauth4webapiVersion,
  jose: joseVersion,
};

/**
 * openid-client Configuration for this issuer. Tests run it on http://127.0.0.1, which openid-client
 * refuses unless told otherwise; production issuers are https and need no option.
 */
export function discover(issuerUrl: string, clientId: string, auth?: client.ClientAuth, algorithm: 'oidc' | 'oauth2' = 'oidc'): Promise<client.Configuration> {
  return client.discovery(new URL(issuerUrl), clientId, undefined, auth, { execute: [client.allowInsecureRequests], algorithm });
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a result');
}
