import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import Redis, { type RedisOptions } from 'ioredis';
import { canListen, freePort } from './free-port';
import type { TlsFiles } from './redis-tls';

/** How clients reach a server: its password (requirepass) and TLS, which then replaces the plain port. */
export interface RedisAccess {
  password?: string;
  tls?: TlsFiles;
}

/**
 * One redis-server (or sentinel, when `args` has `--sentinel`) child process on 127.0.0.1, listening on `port`
 * as `access` says; fails loudly when redis-server is missing.
 */
export class RedisProcess {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly args: string[],
    readonly access: RedisAccess,
  ) {}

  static async start(port: number, args: string[], access: RedisAccess = {}): Promise<RedisProcess> {
    const server = new RedisProcess(port, [...args, ...accessArgs(port, access, args.includes('--sentinel'))], access);
    await server.resume();
    return server;
  }

  /** ioredis options that pass this server's password and trust its CA. */
  get clientOptions(): RedisOptions {
    const { password, tls } = this.access;
    return { ...(password && { password }), ...(tls && { tls: { ca: readFileSync(tls.ca) } }) };
  }

  async resume(): Promise<void> {
    const child = spawn('redis-server', this.args, { stdio: 'ignore' });
    this.child = child;
    const failed = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`redis-server is required for this test: ${e.message}`))));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`redis-server on port ${this.port} exited at start (code ${code})`))),
    );
    await Promise.race([failed, exited, until(`redis-server on port ${this.port} answering PING`, () => ping(this.port, this.access), 10_000)]);
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
    const client = new Redis(this.port, '127.0.0.1', { maxRetriesPerRequest: 1, lazyConnect: false, retryStrategy: () => null, ...this.clientOptions });
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

/**
 * Server arguments for `access` on `port`: requirepass (and masterauth, for replicas and for the old master after
 * a failover), and with TLS a TLS port instead of the plain one, TLS between replicas and cluster nodes too.
 */
function accessArgs(port: number, access: RedisAccess, sentinel: boolean): string[] {
  const args = ['--port', access.tls ? '0' : String(port)];
  if (access.password) args.push('--requirepass', access.password, ...(sentinel ? [] : ['--masterauth', access.password]));
  if (access.tls) {
    const { cert, key, ca } = access.tls;
    args.push('--tls-port', String(port), '--tls-cert-file', cert, '--tls-key-file', key, '--tls-ca-cert-file', ca, '--tls-auth-clients', 'no');
    args.push('--tls-replication', 'yes', ...(sentinel ? [] : ['--tls-cluster', 'yes']));
  }
  return args;
}

/** One inline PING over a bare socket: no client library, so nothing lingers afterwards. A NOAUTH answer is up too. */
function ping(port: number, access: RedisAccess): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket = access.tls
      ? connectTls({ port, host: '127.0.0.1', ca: readFileSync(access.tls.ca) }, () => socket.write('PING\r\n'))
      : connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}
