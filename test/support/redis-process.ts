import { ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import Redis from 'ioredis';
import { freePort } from './free-port';

/** One redis-server (or sentinel) child process on 127.0.0.1; fails loudly when redis-server is missing. */
export class RedisProcess {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly args: string[],
  ) {}

  static async start(port: number, args: string[]): Promise<RedisProcess> {
    const server = new RedisProcess(port, args);
    await server.resume();
    return server;
  }

  async resume(): Promise<void> {
    const child = spawn('redis-server', this.args, { stdio: 'ignore' });
    this.child = child;
    const failed = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`redis-server is required for this test: ${e.message}`))));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`redis-server on port ${this.port} exited at start (code ${code})`))),
    );
    await Promise.race([failed, exited, waitForPing(this.port)]);
    child.removeAllListeners('exit');
  }

  /** SIGKILL and wait for the exit: no goodbye to clients or peers. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** A plain client of this one process, for the test's own commands. */
  client(): Redis {
    const client = new Redis(this.port, '127.0.0.1', { maxRetriesPerRequest: 1, lazyConnect: false, retryStrategy: () => null });
    client.on('error', () => undefined);
    return client;
  }

  /** Runs one command on a short-lived connection. */
  async command(...args: string[]): Promise<unknown> {
    const client = this.client();
    try {
      return await client.call(args[0], ...args.slice(1));
    } finally {
      client.disconnect();
    }
  }
}

/** A free port whose cluster bus port (+10000) is free as well. */
export async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10000 < 65536 && (await canListen(port + 10000))) return port;
  }
}

/** Polls `probe` every 100 ms until it holds, or fails naming `what` after `limitMs`. */
export async function until(what: string, probe: () => Promise<boolean>, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

async function waitForPing(port: number): Promise<void> {
  await until(`redis-server on port ${port} answering PING`, () => ping(port), 10_000);
}

/** One inline PING over a bare socket: no client library, so nothing lingers afterwards. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
