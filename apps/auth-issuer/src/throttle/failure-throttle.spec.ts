import type { RedisClient } from '@app/platform';
import { FailureThrottle } from './failure-throttle';

class Wrong extends Error {}

describe("FailureThrottle, 'check' admission (in-process counters)", () => {
  const throttle = () =>
    new FailureThrottle({
      redis: undefined as unknown as RedisClient,
      inProcess: true,
      keyPrefix: `spec-${Math.random()}:`,
      scopes: [
        { name: 'client', limit: 3 },
        { name: 'ip', limit: 100 },
      ],
      windowSeconds: 60,
      admission: 'check',
    });
  const refuse = async ({ scopes, retryAfterSeconds }: { scopes: string[]; retryAfterSeconds: number }) =>
    new Error(`refused ${scopes.join(',')} ${retryAfterSeconds > 0}`);
  const counts = (error: unknown) => error instanceof Wrong;
  const fail = () => Promise.reject(new Wrong('wrong secret'));

  it('successes never count; the limit-th failure makes every later attempt refused, even a right one', async () => {
    const t = throttle();
    for (let i = 0; i < 10; i++) await expect(t.attempt(['job', 'ip-1'], async () => 'ok', counts, refuse)).resolves.toBe('ok');
    for (let i = 0; i < 3; i++) await expect(t.attempt(['job', 'ip-1'], fail, counts, refuse)).rejects.toBeInstanceOf(Wrong);
    await expect(t.attempt(['job', 'ip-1'], async () => 'ok', counts, refuse)).rejects.toThrow('refused client true');
    await expect(t.attempt(['other-job', 'ip-1'], async () => 'ok', counts, refuse)).resolves.toBe('ok');
  });

  it('errors that do not count leave the counters alone', async () => {
    const t = throttle();
    for (let i = 0; i < 5; i++)
      await expect(t.attempt(['job', 'ip-1'], () => Promise.reject(new Error('malformed')), counts, refuse)).rejects.toThrow('malformed');
    await expect(t.attempt(['job', 'ip-1'], async () => 'ok', counts, refuse)).resolves.toBe('ok');
  });

  it('guesses in flight together are all checked before any is counted: the overshoot is at most their number', async () => {
    const t = throttle();
    const parallel = await Promise.allSettled(Array.from({ length: 5 }, () => t.attempt(['job', 'ip-1'], fail, counts, refuse)));
    expect(parallel.every((r) => r.status === 'rejected' && r.reason instanceof Wrong)).toBe(true);
    await expect(t.attempt(['job', 'ip-1'], fail, counts, refuse)).rejects.toThrow('refused client true');
  });
});
