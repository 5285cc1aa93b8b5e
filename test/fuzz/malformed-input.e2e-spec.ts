import fc from 'fast-check';
import { call, login } from '../support/http';
import { TEST_REDIS_URL } from '../support/test-stores';
import type { AppProcess } from '../faults/support/app-process';
import { ProcessSystem } from '../faults/support/process-system';
import { FUZZ, FUZZ_TIMEOUT_MS, fuzzParameters } from './support/fuzz-settings';
import { anyBody, authorization, contentType, formBody, jsonBody } from './support/malformed';
import { rawCases } from './support/raw-cases';
import { BILLING_ROUTES, ISSUER_ROUTES, METHODS, ORDERS_ROUTES, UNKNOWN_PATHS } from './support/routes';
import { expectSurvived } from './support/survival';
import { dropPrefix, readState, StoreState, unexpectedWrites } from './support/system-state';
import { sendBody, sendRaw } from './support/wire';

jest.setTimeout(FUZZ_TIMEOUT_MS);

/**
 * SECURITY.md "Input never ends a process": generated malformed requests at every route of every app,
 * run as real `node dist/...` processes (a crash inside Jest would be swallowed by Jest's own handlers).
 * Each request gets an answer below 500; afterwards every process is the one first started, printed no
 * fault, a valid token is still accepted, and nothing was written beyond failed-attempt records.
 */
describe('malformed input at every route of every app', () => {
  let system: ProcessSystem;
  let prefix: string;
  let before: StoreState;
  let userToken: string;

  beforeAll(async () => {
    if (FUZZ.long) console.log(`fuzz seed ${FUZZ.seed}, ${FUZZ.runs} runs per property (FUZZ_SEED=${FUZZ.seed} replays)`);
    system = await ProcessSystem.start({ redisUrl: TEST_REDIS_URL });
    prefix = String(system.issuer.environment.REDIS_PREFIX);
    userToken = (await login(system.issuer.url, 'alice', 'alice-password')).access_token;
    before = await readState(system.databaseUrl, TEST_REDIS_URL, prefix);
  });
  afterAll(async () => {
    await system?.stop();
    if (prefix) await dropPrefix(TEST_REDIS_URL, prefix);
  });

  const apps = () => [
    { name: 'issuer', app: system.issuer, routes: ISSUER_ROUTES, tokens: [undefined] },
    // Resource services only read: a valid token there cannot change anything, so bodies go with one too.
    { name: 'orders', app: system.orders, routes: ORDERS_ROUTES, tokens: [undefined, userToken] },
    { name: 'billing', app: system.billing, routes: BILLING_ROUTES, tokens: [undefined, userToken] },
  ];

  /** An answer below 500 (a refusal is fine, a crash or a 5xx is not). */
  function expectAnswered(result: { status: number; text: string }, what: string): void {
    if (result.status < 100 || result.status >= 500) throw new Error(`${what} -> ${result.status} ${result.text.slice(0, 300)}`);
  }

  function headersFor(type: string | undefined, auth: string | undefined, token: string | undefined): Record<string, string> {
    const headers: Record<string, string> = {};
    if (type !== undefined) headers['content-type'] = type;
    if (token) headers.authorization = `Bearer ${token}`;
    else if (auth !== undefined) headers.authorization = auth;
    return headers;
  }

  for (const [label, body] of [
    ['JSON', jsonBody],
    ['form', formBody],
  ] as const) {
    it(`${label} bodies: broken and hostile, under any content type, at every route`, async () => {
      for (const { name, app, routes, tokens } of apps()) {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...routes),
            contentType,
            body,
            authorization,
            fc.constantFrom(...tokens),
            async ([method, path], type, bytes, auth, token) => {
              // The body's own content type most of the time, so it reaches the parser it was made for.
              const declared = type ?? (label === 'JSON' ? 'application/json' : 'application/x-www-form-urlencoded');
              expectAnswered(
                await sendBody(app.url, method, path, headersFor(declared, auth, token), bytes),
                `${name} ${method} ${path} [${declared}] ${JSON.stringify(bytes.subarray(0, 200).toString('latin1'))}`,
              );
            },
          ),
          fuzzParameters(),
        );
      }
    });
  }

  it('any method, any body, at known and unknown paths', async () => {
    for (const { name, app, routes } of apps()) {
      const paths = [...new Set([...routes.map(([, p]) => p), ...UNKNOWN_PATHS])];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...METHODS),
          fc.constantFrom(...paths),
          contentType,
          anyBody,
          authorization,
          async (method, path, type, bytes, auth) => {
            expectAnswered(await sendBody(app.url, method, path, headersFor(type, auth, undefined), bytes), `${name} ${method} ${path} [${type}]`);
          },
        ),
        fuzzParameters(0.5),
      );
    }
  });

  it('truncated bodies, lying lengths, junk and oversized headers (raw sockets): an answer or a clean close, never a 5xx or a hang', async () => {
    for (const { name, app, routes } of apps()) {
      const port = Number(new URL(app.url).port);
      for (const path of [routes[0][1], routes[routes.length - 1][1], '/nope']) {
        for (const [what, bytes] of rawCases(path)) {
          const result = await sendRaw(port, bytes);
          if (result.status >= 500) throw new Error(`${name} ${path} ${what} -> ${result.status} ${result.text.slice(0, 300)}`);
        }
      }
    }
  });

  it('afterwards: every process is the one first started, printed no fault, and still serves', async () => {
    for (const [name, app] of [
      ['issuer', system.issuer],
      ['orders', system.orders],
      ['billing', system.billing],
    ] as [string, AppProcess][]) {
      expectSurvived(app, name);
      expect((await call('GET', `${app.url}/health`)).status).toBe(200);
    }
    for (const service of system.services)
      expect((await call('GET', `${service.url}/me`, { token: userToken })).body).toMatchObject({ sub: expect.any(String) });
  });

  it('afterwards: nothing was written beyond failed-attempt audit rows and throttle counters', async () => {
    const after = await readState(system.databaseUrl, TEST_REDIS_URL, prefix);
    expect(unexpectedWrites(before, after)).toEqual([]);
    // The check can see a write: the valid login above left a refresh token row.
    expect(before.rows.refresh_tokens).toBeGreaterThan(0);
  });
});
