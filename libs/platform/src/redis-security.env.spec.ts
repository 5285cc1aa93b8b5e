import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config.error';
import { isRedisConfigured, readRedisTopology } from './redis-topology.env';
import { describeRedisTopology } from './redis.topology';

const dir = mkdtempSync(join(tmpdir(), 'redis-security-spec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const ca = file('ca.pem', PEM);
const passwordFile = file('password', 's3cret-from-file\n');
const CLUSTER = { REDIS_CLUSTER_NODES: 'a:7000' };
const SENTINEL = { REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'm' };

const configErrorOf = (read: () => unknown): ConfigError | undefined => {
  try {
    read();
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
};

describe('Redis credentials and TLS (readRedisTopology)', () => {
  it.each([
    [{ ...CLUSTER, REDIS_PASSWORD: 'pw' }, { credentials: { password: 'pw' } }],
    [
      { ...CLUSTER, REDIS_USERNAME: 'tb', REDIS_PASSWORD: 'pw', REDIS_TLS: 'true' },
      { credentials: { username: 'tb', password: 'pw' }, tls: {} },
    ],
    [
      { ...CLUSTER, REDIS_PASSWORD_FILE: passwordFile, REDIS_TLS: 'true', REDIS_TLS_CA: ca },
      { credentials: { password: 's3cret-from-file' }, tls: { ca: PEM } },
    ],
    [{ ...CLUSTER, REDIS_TLS: 'false' }, {}],
    [
      { ...SENTINEL, REDIS_PASSWORD: 'pw', REDIS_SENTINEL_USERNAME: 'sen', REDIS_SENTINEL_PASSWORD: 'spw', REDIS_TLS: 'true', REDIS_TLS_CA: ca },
      { credentials: { password: 'pw' }, sentinelCredentials: { username: 'sen', password: 'spw' }, tls: { ca: PEM } },
    ],
    [{ REDIS_URL: 'redis://r:6379', REDIS_PASSWORD: 'pw' }, { credentials: { password: 'pw' } }],
    [{ REDIS_URL: 'rediss://:pw@r:6380', REDIS_TLS_CA: ca }, { tls: { ca: PEM } }],
    [{ REDIS_URL: 'rediss://r:6380', REDIS_TLS: 'true' }, {}],
  ])('reads %j', (env, expected) => {
    const topology = readRedisTopology(env);
    expect(topology).toMatchObject(expected);
    for (const key of ['credentials', 'sentinelCredentials', 'tls'] as const) if (!(key in expected)) expect(topology).not.toHaveProperty(key);
  });

  it.each([
    [{ ...CLUSTER, REDIS_USERNAME: 'tb' }, 'REDIS_USERNAME'],
    [{ ...CLUSTER, REDIS_USERNAME: 'a user', REDIS_PASSWORD: 'pw' }, 'REDIS_USERNAME'],
    [{ ...CLUSTER, REDIS_PASSWORD: 'pw', REDIS_PASSWORD_FILE: passwordFile }, 'REDIS_PASSWORD'],
    [{ ...CLUSTER, REDIS_PASSWORD_FILE: join(dir, 'missing') }, 'REDIS_PASSWORD_FILE'],
    [{ ...CLUSTER, REDIS_PASSWORD_FILE: file('empty', '\n') }, 'REDIS_PASSWORD_FILE'],
    [{ ...CLUSTER, REDIS_PASSWORD_FILE: file('two-lines', 'pw\nmore\n') }, 'REDIS_PASSWORD_FILE'],
    [{ ...CLUSTER, REDIS_PASSWORD: 'p\tw' }, 'REDIS_PASSWORD'],
    [{ ...CLUSTER, REDIS_TLS: 'yes' }, 'REDIS_TLS'],
    [{ ...CLUSTER, REDIS_TLS_CA: ca }, 'REDIS_TLS_CA'],
    [{ ...CLUSTER, REDIS_TLS: 'true', REDIS_TLS_CA: join(dir, 'missing.pem') }, 'REDIS_TLS_CA'],
    [{ ...CLUSTER, REDIS_TLS: 'true', REDIS_TLS_CA: passwordFile }, 'REDIS_TLS_CA'],
    [{ ...CLUSTER, REDIS_SENTINEL_PASSWORD: 'spw' }, 'REDIS_SENTINEL_PASSWORD'],
    [{ REDIS_URL: 'redis://r', REDIS_SENTINEL_USERNAME: 'sen' }, 'REDIS_SENTINEL_USERNAME'],
    [{ ...SENTINEL, REDIS_SENTINEL_USERNAME: 'sen' }, 'REDIS_SENTINEL_USERNAME'],
    [{ ...SENTINEL, REDIS_SENTINEL_PASSWORD: 'spw', REDIS_SENTINEL_PASSWORD_FILE: passwordFile }, 'REDIS_SENTINEL_PASSWORD'],
    // Ambiguous or contradictory with REDIS_URL: which one would win is a guess.
    [{ REDIS_URL: 'redis://:inurl@r:6379', REDIS_PASSWORD: 'pw' }, 'REDIS_PASSWORD'],
    [{ REDIS_URL: 'redis://:inurl@r:6379', REDIS_PASSWORD_FILE: passwordFile }, 'REDIS_PASSWORD'],
    [{ REDIS_URL: 'redis://u:inurl@r:6379', REDIS_USERNAME: 'tb', REDIS_PASSWORD: 'pw' }, 'REDIS_PASSWORD'],
    [{ REDIS_URL: 'redis://r:6379', REDIS_TLS: 'true' }, 'REDIS_TLS'],
    [{ REDIS_URL: 'rediss://r:6379', REDIS_TLS: 'false' }, 'REDIS_TLS'],
    [{ REDIS_URL: 'redis://r:6379', REDIS_TLS_CA: ca }, 'REDIS_TLS_CA'],
    [{ REDIS_URL: 'memory://local', REDIS_PASSWORD: 'pw' }, 'REDIS_PASSWORD'],
  ])('refuses %j naming %s, in one line that never holds a password', (env, variable) => {
    const error = configErrorOf(() => readRedisTopology(env));
    expect(error?.variable).toBe(variable);
    expect(error?.message).not.toMatch(/[\r\n]|pw|inurl|s3cret/);
  });

  it('describes which protections are on, never a password', () => {
    const line = describeRedisTopology(
      readRedisTopology({
        ...SENTINEL,
        REDIS_USERNAME: 'tb',
        REDIS_PASSWORD: 'pw-secret',
        REDIS_SENTINEL_PASSWORD: 'spw-secret',
        REDIS_TLS: 'true',
        REDIS_TLS_CA: ca,
      }),
    );
    expect(line).toBe('sentinel master "m" via s:26379 (user tb, TLS, own CA, sentinel password)');
    expect(describeRedisTopology(readRedisTopology({ REDIS_URL: 'redis://:inurl-secret@r:6379' }))).not.toContain('inurl-secret');
    expect(describeRedisTopology(readRedisTopology({ ...CLUSTER, REDIS_PASSWORD: 'pw-secret' }))).toBe('cluster via a:7000 (password)');
  });
});

describe('isRedisConfigured (launchers that bring their own Redis otherwise)', () => {
  it('is true with a topology variable, false with none, and refuses credentials without one', () => {
    expect(isRedisConfigured({ ...CLUSTER, REDIS_PASSWORD: 'pw' })).toBe(true);
    expect(isRedisConfigured({})).toBe(false);
    expect(configErrorOf(() => isRedisConfigured({ REDIS_PASSWORD: 'pw' }))?.variable).toBe('REDIS_PASSWORD');
    expect(configErrorOf(() => isRedisConfigured({ REDIS_TLS: 'true' }))?.variable).toBe('REDIS_TLS');
  });
});
