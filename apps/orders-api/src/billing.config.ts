import { readOptional, readString, readUrl } from '@app/platform';

/** How orders-api calls billing-api on a user's behalf (token exchange). */
export interface BillingCallConfig {
  issuerUrl: string;
  billingUrl: string;
  billingAudience: string;
  clientId: string;
  /** Undefined in production unless set: the demo route then answers 503. */
  clientSecret?: string;
}

/** The contract's demo client secret is a default only outside production. */
export function loadBillingCallConfig(env: NodeJS.ProcessEnv): BillingCallConfig {
  const production = readOptional(env, 'NODE_ENV') === 'production';
  return {
    issuerUrl: readUrl(env, 'ISSUER_URL', 'http://localhost:3000', ['http:', 'https:']),
    billingUrl: readUrl(env, 'BILLING_API_URL', 'http://localhost:3002', ['http:', 'https:']),
    billingAudience: readString(env, 'BILLING_API_AUDIENCE', 'billing-api'),
    clientId: readString(env, 'ORDERS_API_CLIENT_ID', 'orders-api'),
    clientSecret: readOptional(env, 'ORDERS_API_CLIENT_SECRET') ?? (production ? undefined : 'orders-api-secret'),
  };
}
