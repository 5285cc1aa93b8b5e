import type { Parameters } from 'fast-check';

/**
 * `npm test`: a fixed seed and a bounded count, so a run is reproducible and short.
 * `npm run fuzz` (FUZZ_LONG=1): a random seed unless FUZZ_SEED is set, FUZZ_RUNS cases per property.
 * fast-check prints the seed and path of any failure; FUZZ_SEED=<seed> replays it.
 */
const long = process.env.FUZZ_LONG === '1';
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : long ? (Math.random() * 2 ** 31) | 0 : 20260409;
const runs = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : long ? 3000 : 150;

export const FUZZ = { long, seed, runs };

export function fuzzParameters(scale = 1): Parameters<unknown> {
  return { seed, numRuns: Math.max(1, Math.round(runs * scale)), endOnFailure: true };
}

/** Jest's per-test limit: generous for the short run, open-ended for the long one. */
export const FUZZ_TIMEOUT_MS = long ? 24 * 3600_000 : 120_000;
