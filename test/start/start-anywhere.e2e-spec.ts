import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';

jest.setTimeout(60_000);

/**
 * The README's first command from a checkout under a directory only its owner may enter (root's
 * 700 home): `npm start` with no DATABASE_URL or REDIS_URL brings all three apps up, the CLI then
 * works on the same data without it, and a start that cannot succeed says why in one line.
 */
const ROOT = join(__dirname, '..', '..');
const entry = (relative: string) => {
  const path = join(ROOT, 'dist', relative);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first (npm test does)`);
  return path;
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runToEnd(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const stackTrace = /^\s+at .+\(.+:\d+:\d+\)$|node:internal|Unhandled 'error' event/m;

describe('npm start from a directory others cannot enter', () => {
  let closed: string; // mode 700, like /root
  let checkout: string;
  let pgRoot: string; // stands in for /var/lib/token-backbone, used only as root
  let env: NodeJS.ProcessEnv;
  let ports: { issuer: number; orders: number; billing: number; pg: number; redis: number };
  let launcher: ChildProcess | undefined;

  beforeAll(async () => {
    closed = mkdtempSync(join(tmpdir(), 'start-closed-'));
    chmodSync(closed, 0o700);
    checkout = join(closed, 'clone');
    mkdirSync(checkout);
    pgRoot = mkdtempSync(join(tmpdir(), 'start-pgroot-'));
    chmodSync(pgRoot, 0o755);
    ports = { issuer: await freePort(), orders: await freePort(), billing: await freePort(), pg: await freePort(), redis: await freePort() };
    env = {
      PATH: process.env.PATH,
      ISSUER_PORT: String(ports.issuer),
      ORDERS_API_PORT: String(ports.orders),
      BILLING_API_PORT: String(ports.billing),
      EMBEDDED_PG_PORT: String(ports.pg),
      EMBEDDED_REDIS_PORT: String(ports.redis),
      EMBEDDED_PG_ROOT_DIR: pgRoot,
    };
  });

  afterAll(() => {
    launcher?.kill('SIGKILL');
    // A postgres left behind by a failed assertion: its pid is in the cluster's postmaster.pid.
    for (const dir of [join(checkout, '.data', 'postgres'), ...clustersIn(pgRoot)]) {
      const pidFile = join(dir, 'postmaster.pid');
      if (!existsSync(pidFile)) continue;
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(closed, { recursive: true, force: true });
    rmSync(pgRoot, { recursive: true, force: true });
  });

  it('starts all three apps on the embedded stores, then stops them on SIGTERM', async () => {
    const child = spawn(process.execPath, [entry('scripts/start-all.js')], { cwd: checkout, env, stdio: ['ignore', 'pipe', 'pipe'] });
    launcher = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const ended = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = await Promise.race([
      new Promise<boolean>((resolve) => child.stdout.on('data', () => /^redis: /m.test(stdout) && resolve(true))),
      ended.then(() => false),
    ]);
    expect({ started, stderr: started ? '' : stderr }).toEqual({ started: true, stderr: '' });
    for (const port of [ports.issuer, ports.orders, ports.billing]) {
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    }
    expect(stderr).not.toMatch(stackTrace);
    child.kill('SIGTERM');
    expect(await ended).toBe(0);
    launcher = undefined;
  });

  it('lets the CLI list keys without DATABASE_URL and without npm start, on the data npm start made', async () => {
    const run = await runToEnd([entry('apps/auth-issuer/src/cli/main.js'), 'keys:list', '--json'], checkout, env);
    expect(run.stderr).not.toMatch(stackTrace);
    expect(run.code).toBe(0);
    const { keys } = JSON.parse(run.stdout) as { keys: Array<{ state: string }> };
    expect(keys.map((key) => key.state).sort()).toEqual(['active', 'pending']);
  });

  const asRoot = process.getuid?.() === 0;
  type Failure = [name: string, holdPort: boolean, extra: () => NodeJS.ProcessEnv, line: RegExp];
  const failures: Failure[] = [['its port is taken', true, () => ({}), /^start failed: port \d+ on 127\.0\.0\.1 is already in use.*; .*EMBEDDED_PG_PORT/]];
  // Only root hands postgres to another user, so only root can be refused this directory.
  if (asRoot) {
    failures.push([
      'EMBEDDED_PG_ROOT_DIR is closed to postgres',
      false,
      () => ({ EMBEDDED_PG_ROOT_DIR: join(closed, 'pg'), DATA_DIR: join(closed, 'fresh') }),
      /^start failed: user postgres cannot enter .*; set EMBEDDED_PG_ROOT_DIR/,
    ]);
  }

  it.each(failures)('a start that cannot succeed (%s) is one line with the fix, exit 1', async (_name, holdPort, extra, line) => {
    const holder: Server = createServer();
    if (holdPort) await new Promise<void>((resolve) => holder.listen(ports.pg, '127.0.0.1', resolve));
    try {
      const run = await runToEnd([entry('scripts/start-all.js')], checkout, { ...env, ...extra() });
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(line)]);
    } finally {
      if (holdPort) await new Promise((resolve) => holder.close(resolve));
    }
  });
});

function clustersIn(dir: string): string[] {
  try {
    return readdirSync(dir).map((name) => join(dir, name));
  } catch {
    return [];
  }
}
