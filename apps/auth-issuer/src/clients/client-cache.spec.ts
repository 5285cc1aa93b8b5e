import type { IssuerConfig } from '../config/issuer.config';
import { ClientCache } from './client-cache';
import type { ClientEntity } from './client.entity';

describe('ClientCache', () => {
  const row = (clientId: string) => ({ clientId }) as ClientEntity;
  const cacheFor = (ttl: number) => new ClientCache({ clientCacheTtl: ttl } as IssuerConfig);
  let now = 1_000_000;
  beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => now));
  afterEach(() => jest.restoreAllMocks());

  it('reuses a row (and an absence) until the TTL has passed, then reads again', async () => {
    const cache = cacheFor(5);
    const load = jest.fn(async () => row('job'));
    const missing = jest.fn(async () => null);
    expect(await cache.get('job', load)).toEqual(row('job'));
    expect(await cache.get('ghost', missing)).toBeNull();
    now += 4_999;
    await cache.get('job', load);
    await cache.get('ghost', missing);
    expect([load.mock.calls.length, missing.mock.calls.length]).toEqual([1, 1]);
    now += 1;
    await cache.get('job', load);
    await cache.get('ghost', missing);
    expect([load.mock.calls.length, missing.mock.calls.length]).toEqual([2, 2]);
  });

  it('concurrent misses share one read; a failed read is not remembered', async () => {
    const cache = cacheFor(5);
    const failing = jest.fn(async () => {
      throw new Error('database down');
    });
    await expect(Promise.all([cache.get('job', failing), cache.get('job', failing)])).rejects.toThrow('database down');
    expect(failing).toHaveBeenCalledTimes(1);
    const load = jest.fn(async () => row('job'));
    expect(await cache.get('job', load)).toEqual(row('job'));
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forget drops an entry; TTL 0 reads every time', async () => {
    const cache = cacheFor(5);
    const load = jest.fn(async () => row('job'));
    await cache.get('job', load);
    cache.forget('job');
    await cache.get('job', load);
    expect(load).toHaveBeenCalledTimes(2);
    const uncached = cacheFor(0);
    await uncached.get('job', load);
    await uncached.get('job', load);
    expect(load).toHaveBeenCalledTimes(4);
  });
});
