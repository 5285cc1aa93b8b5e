import { withoutNewSignalListeners } from './signal-ownership';

describe('withoutNewSignalListeners', () => {
  const ours = () => undefined;
  afterEach(() => process.removeListener('SIGTERM', ours));

  it('removes the signal listeners added during the work and keeps the ones already there', async () => {
    process.on('SIGTERM', ours);
    const theirs = () => undefined;
    const result = await withoutNewSignalListeners(async () => {
      process.on('SIGTERM', theirs);
      process.on('SIGINT', theirs);
      return 42;
    });
    expect(result).toBe(42);
    expect(process.listeners('SIGTERM')).toContain(ours);
    expect(process.listeners('SIGTERM')).not.toContain(theirs);
    expect(process.listeners('SIGINT')).not.toContain(theirs);
  });

  it('cleans up even when the work fails', async () => {
    const theirs = () => undefined;
    await expect(
      withoutNewSignalListeners(() => {
        process.on('SIGHUP', theirs);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(process.listeners('SIGHUP')).not.toContain(theirs);
  });
});
