import { describeResult, runRotationLoad } from '../../bench/rotation-load';

jest.setTimeout(60_000);

/** bench/rotation-load.ts, bounded: requests keep flowing through a resource service across scheduled rotations. */
describe('load across rotations', () => {
  it('answers every request with a valid token 2xx while the signing key rotates twice', async () => {
    const result = await runRotationLoad({ rotations: 2, concurrency: 4, ratePerSecond: 400, maxDurationMs: 30_000 });
    console.log(describeResult(result));
    expect(result.rotations).toBeGreaterThanOrEqual(2);
    expect(result.requests).toBeGreaterThan(500);
    expect(result.byStatus).toEqual({ 200: result.requests });
    expect(result.non2xx).toBe(0);
  });
});
