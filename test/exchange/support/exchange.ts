import { ACCESS_TOKEN_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE } from '@app/contract';
import { call, HttpResult } from '../../support/http';
import { basic, runClientsCreate } from '../../support/oauth-clients';

/** The contract's demo service client, seeded outside production. */
export const ORDERS_API = { id: 'orders-api', secret: 'orders-api-secret' };

export interface Credentials {
  id: string;
  secret: string;
}

/** POST /oauth/token with the exchange grant; `params` override or (undefined) drop the defaults. */
export function exchange(
  issuerUrl: string,
  credentials: Credentials | undefined,
  subjectToken: string,
  params: Record<string, string | undefined> = {},
): Promise<HttpResult> {
  const form: Record<string, string | undefined> = {
    grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
    subject_token: subjectToken,
    subject_token_type: ACCESS_TOKEN_TOKEN_TYPE,
    audience: 'billing-api',
    ...params,
  };
  const defined = Object.fromEntries(Object.entries(form).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return call('POST', `${issuerUrl}/oauth/token`, { form: defined, headers: credentials ? basic(credentials.id, credentials.secret) : {} });
}

/** Exchanges and returns the token, failing the test on anything but 200. */
export async function exchanged(
  issuerUrl: string,
  credentials: Credentials,
  subjectToken: string,
  params: Record<string, string | undefined> = {},
): Promise<string> {
  const result = await exchange(issuerUrl, credentials, subjectToken, params);
  if (result.status !== 200) throw new Error(`exchange -> ${result.status} ${result.text}`);
  return result.body.access_token as string;
}

/** Registers a service client that may exchange toward `exchangeAudiences`. */
export async function createExchangeClient(databaseUrl: string, id: string, exchangeAudiences: string, exchangeScopes = ''): Promise<Credentials> {
  const args = ['--id', id, '--audiences', exchangeAudiences, '--exchange-audiences', exchangeAudiences];
  if (exchangeScopes) args.push('--exchange-scopes', exchangeScopes);
  const run = await runClientsCreate(databaseUrl, args);
  if (run.code !== 0) throw new Error(`clients:create ${id} -> ${run.code} ${run.err.join(' ')}`);
  return { id, secret: JSON.parse(run.out[0]).client_secret };
}
