import { join } from 'node:path';
import { call, login } from '../support/http';
import { TEST_REDIS_URL } from '../support/test-stores';
import type { AppProcess } from '../faults/support/app-process';
import { ProcessSystem } from '../faults/support/process-system';
import { dropPrefix } from './support/system-state';

jest.setTimeout(60_000);

const PRELOAD = join(__dirname, 'support', 'fault-preload.js');

/**
 * SECURITY.md "Input never ends a process", the last line of defence: the real apps (`node dist/...`)
 * with a test preload that, on request, throws outside any handler, rejects a promise nobody awaits, or
 * throws inside the route handler. Each app logs one line per fault (no secret), keeps serving, and
 * is never restarted; a handler fault is a 500 in the app's error shape with no detail.
 */
describe('a fault while a request is handled never ends the process', () => {
  let system: ProcessSystem;
  let token: string;

  beforeAll(async () => {
    system = await ProcessSystem.start({ redisUrl: TEST_REDIS_URL, env: { NODE_OPTIONS: `--require ${PRELOAD}` } });
    token = (await login(system.issuer.url, 'alice', 'alice-password')).access_token;
  });
  afterAll(async () => {
    const prefix = system?.issuer.environment.REDIS_PREFIX;
    await system?.stop();
    if (prefix) await dropPrefix(TEST_REDIS_URL, prefix);
  });

  const apps = (): [string, AppProcess][] => [
    ['issuer', system.issuer],
    ['orders', system.orders],
    ['billing', system.billing],
  ];
  const faultLines = (app: AppProcess) => app.output.split('\n').filter((line) => line.includes('process guard:'));

  it('a thrown exception and an unhandled rejection are logged on one line each, counted, and the app keeps serving', async () => {
    for (const [name, app] of apps()) {
      for (const fault of ['throw', 'reject', 'throw']) {
        expect((await call('GET', `${app.url}/health`, { headers: { 'x-preload-fault': fault } })).status).toBe(200);
      }
      await waitFor(() => faultLines(app).length >= 3, `${name} logged its faults`);
      expect(faultLines(app)).toEqual([
        expect.stringMatching(/^process guard: uncaughtException #1 \(TypeError: boom at postgres:\/\/\*\*\*:\*\*\*@db\/x\)$/),
        expect.stringMatching(/^process guard: unhandledRejection #1 \(Error: refused Bearer \*\*\*\)$/),
        expect.stringMatching(/^process guard: uncaughtException #2 /),
      ]);
      expect(app.output).not.toMatch(/s3cret-pw|eyJfake/);
      expect({ name, running: app.running, starts: app.starts }).toEqual({ name, running: true, starts: 1 });
      expect((await call('GET', `${app.url}/health`)).status).toBe(200);
    }
  });

  it('an error inside a route handler is a 500 in the contract shape, with no detail, and the app keeps serving', async () => {
    const issuer = await call('POST', `${system.issuer.url}/auth/login`, {
      json: { username: 'alice', password: 'alice-password' },
      headers: { 'x-preload-fault': 'handler' },
    });
    expect({ status: issuer.status, body: issuer.body }).toEqual({ status: 500, body: { error: 'server_error', error_description: 'internal error' } });
    for (const service of system.services) {
      const result = await call('GET', `${service.url}/me`, { token, headers: { 'x-preload-fault': 'handler' } });
      expect({ status: result.status, body: result.body }).toEqual({ status: 500, body: { statusCode: 500, message: 'Internal Server Error' } });
      expect(result.text).not.toMatch(/s3cret-pw|handler fault/);
    }
    for (const [name, app] of apps()) expect({ name, running: app.running, starts: app.starts }).toEqual({ name, running: true, starts: 1 });
    for (const service of system.services) expect((await call('GET', `${service.url}/me`, { token })).status).toBe(200);
  });
});

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!condition()) throw new Error(`timed out waiting until ${what}`);
}
