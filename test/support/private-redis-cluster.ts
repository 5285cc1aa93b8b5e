import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { freeClusterPort, RedisProcess, until } from './redis-process';

const run = promisify(execFile);

/**
 * A Redis Cluster of this test's own: three masters (no replicas, no persistence) on free ports, the
 * slots spread by `redis-cli --cluster create`, files in a temp dir removed by stop(). Never the machine's Redis.
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

  static async start(size = 3): Promise<PrivateRedisCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
    const masters: RedisProcess[] = [];
    const cluster = new PrivateRedisCluster(masters, dir);
    try {
      for (let i = 0; i < size; i++) {
        const port = await freeClusterPort();
        const args = [
          '--port',
          String(port),
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
        masters.push(await RedisProcess.start(port, args));
      }
      await run('redis-cli', ['--cluster', 'create', ...masters.map((m) => `127.0.0.1:${m.port}`), '--cluster-replicas', '0', '--cluster-yes'], {
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
      { redisOptions: { maxRetriesPerRequest: 1 } },
    );
    client.on('error', () => undefined);
    return client;
  }

  async stop(): Promise<void> {
    await Promise.all(this.masters.map((m) => m.kill()));
    await rm(this.dir, { recursive: true, force: true });
  }
}
