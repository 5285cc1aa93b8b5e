import { ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import Redis from 'ioredis';
import { freePort } from './free-port';

/**
 * A redis-server of this test's own on a free port (no persistence), so a test can stop and restart
 * it without touching the machine's Redis. Fails loudly when redis-server is not installed.
 */
export class PrivateRedis {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.resume();
    return redis;
  }

  /** Starts (again) on the same port and waits until it answers PING. */
  async resume(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: 'ignore',
    });
    const failed = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`redis-server is required for this test: ${e.message}`))));
    this.child = child;
    await Promise.race([failed, this.waitForPing()]);
  }

  /** Kills the server and waits for its exit; clients see connection errors from now on. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** A client of this server for the test itself (publishing, setting keys). */
  client(): Redis {
    return new Redis(this.url, { maxRetriesPerRequest: 1, lazyConnect: false });
  }

  private async waitForPing(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await this.ping()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`private redis-server on port ${this.port} did not answer within 10 s`);
  }

  /** One inline PING over a bare socket: no client library, so nothing lingers afterwards. */
  private ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
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
}
