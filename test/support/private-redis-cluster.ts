import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { freeClusterPort, RedisAccess, RedisProcess, until } from './redis-process';

const run = promisify(execFile);

/**
 * A Redis Cluster of this test's own: three masters (no replicas, no persistence) on free ports, the
 * slots spread by `redis-cli --cluster create`, files in a temp dir removed by stop(). Never the machine's Redis.
 * `access`: a password every node requires, TLS everywhere (then the certificate files go in the same temp dir).
 */
export class PrivateRedisCluster {
  private constructor(
    readonly masters: RedisProcess[],
    private readonly dir: string,
  ) {}

  /** `host:port,host:port,...` as REDIS_CLUSTER_NODES takes it. */
  get nodes(): string {
    return this.masters.map((m) => `127.0.0.1:${m.port}`).join(',');
  }

  static async start(size = 3, access: (dir: string) => Promise<RedisAccess> | RedisAccess = () => ({})): Promise<PrivateRedisCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
    const masters: RedisProcess[] = [];
    const cluster = new PrivateRedisCluster(masters, dir);
    try {
      const nodeAccess = await access(dir);
      for (let i = 0; i < size; i++) {
        const port = await freeClusterPort();
        const args = [
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout',
          '2000',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--daemonize',
          'no',
        ];
        masters.push(await RedisProcess.start(port, args, nodeAccess));
      }
      const cliAccess = [
        ...(nodeAccess.password ? ['--no-auth-warning', '-a', nodeAccess.password] : []),
        ...(nodeAccess.tls ? ['--tls', '--cacert', nodeAccess.tls.ca] : []),
      ];
      await run('redis-cli', [...cliAccess, '--cluster', 'create', ...masters.map((m) => `127.0.0.1:${m.port}`), '--cluster-replicas', '0', '--cluster-yes'], {
        timeout: 20_000,
      });
      for (const master of masters)
        await until(`cluster_state:ok on ${master.port}`, async () => String(await master.command('CLUSTER', 'INFO')).includes('cluster_state:ok'));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** A cluster client for the test's own reads. */
  client(): Cluster {
    const client = new Cluster(
      this.masters.map((m) => ({ host: '127.0.0.1', port: m.port })),
      { redisOptions: { maxRetriesPerRequest: 1, ...this.masters[0].clientOptions } },
    );
    client.on('error', () => undefined);
    return client;
  }

  async stop(): Promise<void> {
    await Promise.all(this.masters.map((m) => m.kill()));
    await rm(this.dir, { recursive: true, force: true });
  }
}
