import { describeFault } from './process-guards';

describe('describeFault', () => {
  it('is one bounded line with no credentials, tokens or stack', () => {
    const error = new Error(`connect to postgres://app:pw@db/x failed\nwith Bearer eyJa.eyJb.c and ${'x'.repeat(500)}`);
    const line = describeFault('uncaughtException', error, 3);
    expect(line).toMatch(/^process guard: uncaughtException #3 \(Error: connect to postgres:\/\/\*\*\*:\*\*\*@db\/x failed\)$/);
    expect(describeFault('unhandledRejection', 'Basic b3JkZXJz 1', 1)).toBe('process guard: unhandledRejection #1 (string: Basic *** 1)');
    expect(describeFault('unhandledRejection', new Error('x'.repeat(1000)), 1).length).toBeLessThan(300);
  });
});
