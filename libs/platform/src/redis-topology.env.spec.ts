import fc from 'fast-check';
import { ConfigError } from './config.error';
import { readRedisPrefix, readRedisTopology } from './redis-topology.env';

const configErrorOf = (env: Record<string, string>): ConfigError | undefined => {
  try {
    readRedisTopology(env);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
};

describe('readRedisTopology', () => {
  it.each([
    [{ REDIS_URL: 'redis://r:6379' }, { kind: 'single', url: 'redis://r:6379' }],
    [{ REDIS_URL: 'memory://local' }, { kind: 'single', url: 'memory://local' }],
    [
      { REDIS_CLUSTER_NODES: 'a:7000, b.example:7001,[::1]:7002' },
      {
        kind: 'cluster',
        nodes: [
          { host: 'a', port: 7000 },
          { host: 'b.example', port: 7001 },
          { host: '::1', port: 7002 },
        ],
      },
    ],
    [
      { REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'mymaster' },
      {
        kind: 'sentinel',
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26379 },
        ],
        name: 'mymaster',
      },
    ],
    [
      { REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: '  ' },
      { kind: 'single', url: 'redis://r:6379' },
    ],
  ])('reads %j', (env, expected) => {
    expect(readRedisTopology(env)).toEqual(expected);
  });

  it.each([
    [{}, 'REDIS_URL'],
    [{ REDIS_URL: 'redis://r', REDIS_CLUSTER_NODES: 'a:1' }, 'REDIS_URL, REDIS_CLUSTER_NODES'],
    [{ REDIS_URL: 'redis://r', REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_URL, REDIS_SENTINELS'],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_CLUSTER_NODES, REDIS_SENTINELS'],
    [{ REDIS_URL: 'redis://r', REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2' }, 'REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS'],
    [{ REDIS_CLUSTER_NODES: 'a' }, 'REDIS_CLUSTER_NODES'],
    [{ REDIS_CLUSTER_NODES: 'a:0' }, 'REDIS_CLUSTER_NODES'],
    [{ REDIS_CLUSTER_NODES: 'a:65536' }, 'REDIS_CLUSTER_NODES'],
    [{ REDIS_CLUSTER_NODES: 'a:1,,b:2' }, 'REDIS_CLUSTER_NODES'],
    [{ REDIS_CLUSTER_NODES: 'redis://a:1' }, 'REDIS_CLUSTER_NODES'],
    [{ REDIS_CLUSTER_NODES: ',' }, 'REDIS_CLUSTER_NODES'],
    [{ REDIS_SENTINELS: 's:26379' }, 'REDIS_SENTINEL_NAME'],
    [{ REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'my master' }, 'REDIS_SENTINEL_NAME'],
    [{ REDIS_URL: 'redis://r', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINEL_NAME'],
    [{ REDIS_SENTINELS: 'x:y', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS'],
  ])('refuses %j naming %s', (env, variable) => {
    const error = configErrorOf(env);
    expect(error?.variable).toBe(variable);
    expect(error?.message).not.toContain('\n');
  });

  it('answers any REDIS_CLUSTER_NODES or REDIS_SENTINELS text with a topology or one line naming the variable', () => {
    fc.assert(
      fc.property(fc.constantFrom('REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'), fc.string({ unit: 'binary', maxLength: 60 }), (name, raw) => {
        const env = { [name]: raw, REDIS_SENTINEL_NAME: 'm' };
        if (name === 'REDIS_CLUSTER_NODES') delete (env as Record<string, string>).REDIS_SENTINEL_NAME;
        const error = configErrorOf(env);
        if (error) {
          expect([name, 'REDIS_URL', 'REDIS_SENTINEL_NAME']).toContain(error.variable);
          expect(error.message).not.toMatch(/[\r\n]/);
        }
      }),
      { seed: 14, numRuns: 500 },
    );
  });
});

describe('readRedisPrefix', () => {
  it('refuses an empty hash tag, which would scatter the revocation keys over slots', () => {
    expect(() => readRedisPrefix({ REDIS_PREFIX: 'a{}:' })).toThrow(ConfigError);
    expect(readRedisPrefix({ REDIS_PREFIX: '{tenant-a}:' })).toBe('{tenant-a}:');
    expect(readRedisPrefix({})).toBe('');
  });
});
