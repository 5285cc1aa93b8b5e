import { runRotationLoad } from '../../bench/rotation-load';

jest.setTimeout(60_000);

/**
 * bench/rotation-load.ts, bounded, as a correctness check: no request with a valid token fails across
 * scheduled rotations. Throughput is the bench's to print (`npm run bench:rotation`), not this test's to assert.
 */
describe('load across rotations', () => {
  it('answers every request with a valid token 2xx while the signing key rotates twice', async () => {
    const result = await runRotationLoad({ rotations: 2, concurrency: 4, ratePerSecond: 400, maxDurationMs: 30_000 });
    expect(result.rotations).toBeGreaterThanOrEqual(2);
    // Enough requests to have spanned the rotations at all; no rate is claimed.
    expect(result.requests).toBeGreaterThan(0);
    expect(result.byStatus).toEqual({ 200: result.requests });
    expect(result.non2xx).toBe(0);
  });
});
