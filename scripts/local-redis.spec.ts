import { createServer, Server } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IN_PROCESS_REDIS_URL } from '@app/platform';
import { startLocalRedis } from './local-redis';

describe('startLocalRedis', () => {
  const dataDir = () => join(mkdtempSync(join(tmpdir(), 'redis-')), 'redis');

  it('falls back to the in-process store, with a warning, when no redis-server is on the path', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const store = await startLocalRedis({ dataDir: dataDir(), port: 1, searchPath: mkdtempSync(join(tmpdir(), 'empty-path-')) });
    expect(store.url).toBe(IN_PROCESS_REDIS_URL);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/not durable.*single process.*not for production/));
    await store.stop();
    warn.mockRestore();
  });

  it('refuses a port someone else holds instead of trusting their PING', async () => {
    const binDir = mkdtempSync(join(tmpdir(), 'fake-bin-'));
    writeFileSync(join(binDir, 'redis-server'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      await expect(startLocalRedis({ dataDir: dataDir(), port, searchPath: binDir })).rejects.toThrow(`EMBEDDED_REDIS_PORT: port ${port}`);
    } finally {
      holder.close();
    }
  });

  it('reports the cause when redis-server exits at start', async () => {
    const binDir = mkdtempSync(join(tmpdir(), 'fake-bin-'));
    writeFileSync(join(binDir, 'redis-server'), '#!/bin/sh\necho "# Bad directive" >&2\nexit 1\n', { mode: 0o755 });
    const probe: Server = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    await expect(startLocalRedis({ dataDir: dataDir(), port, searchPath: binDir })).rejects.toThrow(/did not start: # Bad directive/);
  });
});
