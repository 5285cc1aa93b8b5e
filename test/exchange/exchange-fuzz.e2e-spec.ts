import fc from 'fast-check';
import { Client } from 'pg';
import { call, login } from '../support/http';
import { basic } from '../support/oauth-clients';
import { startTestSystem, TestSystem } from '../support/test-system';
import { fuzzParameters, FUZZ_TIMEOUT_MS } from '../fuzz/support/fuzz-settings';
import { exchange, ORDERS_API } from './support/exchange';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS = 'urn:ietf:params:oauth:token-type:access_token';
const PARAMETERS = [
  'grant_type',
  'subject_token',
  'subject_token_type',
  'requested_token_type',
  'audience',
  'resource',
  'scope',
  'actor_token',
  'actor_token_type',
  'client_id',
  'client_secret',
];

/** Generated garbage for the exchange grant: every answer is a 4xx (or, by chance, a 200); never a 5xx, and nothing changes. */
describe('token exchange under generated garbage', () => {
  let system: TestSystem;
  let user: string;

  beforeAll(async () => {
    // Wrong secrets are part of the garbage: throttling them (a 429, also fine) must not lock the final check out.
    system = await startTestSystem({ CLIENT_AUTH_MAX_FAILURES_PER_CLIENT: '100000', CLIENT_AUTH_MAX_FAILURES_PER_IP: '1000000' }, { services: false });
    user = (await login(system.issuerUrl, 'alice', 'alice-password')).access_token;
  }, 60_000);
  afterAll(() => system?.stop());

  const clientRows = async () => {
    const db = new Client({ connectionString: system.databaseUrl });
    await db.connect();
    try {
      return (await db.query('SELECT client_id, exchange_audiences, exchange_scopes FROM clients ORDER BY client_id')).rows;
    } finally {
      await db.end();
    }
  };

  it(
    'answers malformed exchange requests with a 4xx',
    async () => {
      const before = await clientRows();
      const text = fc.oneof(
        fc.string(),
        fc.string({ unit: 'grapheme' }),
        fc.constantFrom('', ' ', '%', '\u0000', 'a'.repeat(5000), GRANT, ACCESS, 'billing-api', 'orders-api', 'invoices:read'),
      );
      const token = fc.oneof(
        fc.constant(() => user),
        fc.constant(() => `${user}x`),
        fc.constant(() => user.split('.').reverse().join('.')),
        text.map((value) => () => value),
      );
      const value = fc.oneof(
        text,
        token.map((make) => make()),
      );
      // Known parameters with odd values, repeated ones, and unknown names (__proto__ among them).
      const pair = fc.tuple(fc.oneof(fc.constantFrom(...PARAMETERS), fc.constantFrom('__proto__', 'constructor', 'grant_type[]'), fc.string()), value);
      const body = fc.tuple(fc.boolean(), fc.array(pair, { maxLength: 12 })).map(([exchangeGrant, pairs]) => {
        const form = new URLSearchParams(
          exchangeGrant
            ? [
                ['grant_type', GRANT],
                ['subject_token_type', ACCESS],
              ]
            : [],
        );
        for (const [name, v] of pairs) form.append(name, v);
        return form.toString();
      });
      const auth = fc.oneof(
        fc.constant(basic(ORDERS_API.id, ORDERS_API.secret)),
        fc.constant({}),
        fc.constant(basic(ORDERS_API.id, 'wrong')),
        fc.string().map((s) => ({ authorization: `Basic ${s}` })),
      );
      await fc.assert(
        fc.asyncProperty(body, auth, async (raw, headers) => {
          const response = await fetch(`${system.issuerUrl}/oauth/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
            body: raw,
          });
          const text = await response.text();
          expect(response.status).toBeLessThan(500);
          expect(response.headers.get('cache-control')).toBe('no-store');
          expect(response.status === 200 || (response.status >= 400 && typeof JSON.parse(text).error === 'string')).toBe(true);
        }),
        fuzzParameters(0.5),
      );
      expect(await clientRows()).toEqual(before);
      const still = await exchange(system.issuerUrl, ORDERS_API, user);
      expect(still.status).toBe(200);
      expect((await call('GET', `${system.issuerUrl}/health`)).status).toBe(200);
    },
    FUZZ_TIMEOUT_MS,
  );
});
