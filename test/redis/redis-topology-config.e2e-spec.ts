import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { assertDistFresh } from '../support/dist-fresh';

/** Every entry point of the fleet refuses an ambiguous or malformed Redis topology before it connects anywhere. */
const root = join(__dirname, '..', '..');
const ENTRIES: Array<[name: string, args: string[]]> = [
  ['auth-issuer', [join(root, 'dist/apps/auth-issuer/src/main.js')]],
  ['orders-api', [join(root, 'dist/apps/orders-api/src/main.js')]],
  ['billing-api', [join(root, 'dist/apps/billing-api/src/main.js')]],
  ['CLI keys:list', [join(root, 'dist/apps/auth-issuer/src/cli/main.js'), 'keys:list']],
  ['npm start', [join(root, 'dist/scripts/start-all.js')]],
];

// Nothing listens on port 1: were a topology accepted by mistake, the run fails on connecting, not by hanging.
const base = {
  PATH: process.env.PATH ?? '',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
  PORT: '0',
  ISSUER_PORT: '0',
  ORDERS_API_PORT: '0',
  BILLING_API_PORT: '0',
};

const CASES: Array<[label: string, env: Record<string, string>, line: RegExp]> = [
  [
    'REDIS_URL and REDIS_CLUSTER_NODES',
    { REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: '127.0.0.1:1' },
    /^config error: REDIS_URL, REDIS_CLUSTER_NODES: /,
  ],
  [
    'REDIS_CLUSTER_NODES and REDIS_SENTINELS',
    { REDIS_CLUSTER_NODES: '127.0.0.1:1', REDIS_SENTINELS: '127.0.0.1:2', REDIS_SENTINEL_NAME: 'm' },
    /^config error: REDIS_CLUSTER_NODES, REDIS_SENTINELS: /,
  ],
  ['malformed REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: '127.0.0.1:7101,nonsense' }, /^config error: REDIS_CLUSTER_NODES: .*"nonsense"/],
  ['REDIS_SENTINELS without a name', { REDIS_SENTINELS: '127.0.0.1:26379' }, /^config error: REDIS_SENTINEL_NAME: /],
];

describe('Redis topology configuration at every entry point', () => {
  beforeAll(() => assertDistFresh(root));

  describe.each(ENTRIES)('%s', (_name, args) => {
    it.each(CASES)('%s: exit 1 with one line naming the variables', (_label, env, line) => {
      const run = spawnSync(process.execPath, args, { env: { ...base, ...env }, encoding: 'utf8', timeout: 20_000, cwd: root });
      const lines = run.stderr.trim().split('\n').filter(Boolean);
      expect({ status: run.status, lines }).toEqual({ status: 1, lines: [expect.stringMatching(line)] });
    });
  });
});
