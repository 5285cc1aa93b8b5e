import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { RedisAccess, RedisProcess, until } from './redis-process';

export const SENTINEL_MASTER_NAME = 'tb-master';

/** Passwords and TLS of a Sentinel setup: `data` for master and replica, `sentinel` for the sentinel itself. */
export interface SentinelAccess {
  data?: RedisAccess;
  sentinel?: RedisAccess;
}

/**
 * A Sentinel setup of this test's own: a master, one replica and one sentinel (quorum 1) on free ports,
 * files in a temp dir removed by stop(). Never the machine's Redis.
 */
export class PrivateRedisSentinel {
  private constructor(
    readonly servers: RedisProcess[],
    readonly sentinel: RedisProcess,
    private readonly dir: string,
  ) {}

  /** `host:port` as REDIS_SENTINELS takes it. */
  get sentinels(): string {
    return `127.0.0.1:${this.sentinel.port}`;
  }

  static async start(access: (dir: string) => Promise<SentinelAccess> | SentinelAccess = () => ({})): Promise<PrivateRedisSentinel> {
    const dir = await mkdtemp(join(tmpdir(), 'redis-sentinel-'));
    const servers: RedisProcess[] = [];
    let sentinel: RedisProcess | undefined;
    const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir];
    try {
      const { data = {}, sentinel: sentinelAccess = {} } = await access(dir);
      const [masterPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()];
      servers.push(await RedisProcess.start(masterPort, common, data));
      servers.push(await RedisProcess.start(replicaPort, ['--replicaof', '127.0.0.1', String(masterPort), ...common], data));
      await until('replica in sync', async () => String(await servers[1].command('INFO', 'replication')).includes('master_link_status:up'));
      const config = join(dir, 'sentinel.conf');
      await writeFile(
        config,
        [
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${masterPort} 1`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 5000`,
          ...(data.password ? [`sentinel auth-pass ${SENTINEL_MASTER_NAME} ${data.password}`] : []),
          '',
        ].join('\n'),
      );
      sentinel = await RedisProcess.start(sentinelPort, [config, '--sentinel'], sentinelAccess);
      const watching = sentinel;
      await until('sentinel seeing the replica', async () => {
        const replicas = (await watching.command('SENTINEL', 'REPLICAS', SENTINEL_MASTER_NAME)) as string[][];
        return replicas.some((fields) => fields[fields.indexOf('flags') + 1] === 'slave');
      });
    } catch (error) {
      await Promise.all([...servers, ...(sentinel ? [sentinel] : [])].map((s) => s.kill()));
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return new PrivateRedisSentinel(servers, sentinel, dir);
  }

  /** The redis-server process on `port`. */
  server(port: number): RedisProcess {
    const server = this.servers.find((s) => s.port === port);
    if (!server) throw new Error(`no redis-server of this setup on port ${port}`);
    return server;
  }

  /** The port the sentinel names as master now. */
  async masterPort(): Promise<number> {
    const [, port] = (await this.sentinel.command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER_NAME)) as string[];
    return Number(port);
  }

  /** SENTINEL FAILOVER, then waits until the replica is master and the old master follows it. */
  async failover(): Promise<{ from: number; to: number }> {
    const from = await this.masterPort();
    await this.sentinel.command('SENTINEL', 'FAILOVER', SENTINEL_MASTER_NAME);
    await until('failover to the replica', async () => (await this.masterPort()) !== from, 20_000);
    const to = await this.masterPort();
    await until('promoted replica acting as master', async () => String(await this.server(to).command('INFO', 'replication')).includes('role:master'));
    return { from, to };
  }

  async stop(): Promise<void> {
    await Promise.all([this.sentinel, ...this.servers].map((s) => s.kill()));
    await rm(this.dir, { recursive: true, force: true });
  }
}
