import type { GuardMetrics } from '../guard/guard.metrics';
import type { KeySource, VerificationKey } from '../keys/key-source';

/**
 * The verifier's view of the key source, counting each lookup by kid: the kid when the set holds it, else
 * "unknown" (so an attacker's invented kids never become label values). An operator sees a retired key drain.
 */
export function countingKeySource(keys: KeySource, metrics: GuardMetrics): KeySource {
  return {
    getKey: async (kid: string): Promise<VerificationKey | undefined> => {
      const key = await keys.getKey(kid);
      metrics.countKid(key ? key.kid : 'unknown');
      return key;
    },
    // Counted only on a hit: a miss is followed by getKey, which counts it.
    heldKey: keys.heldKey
      ? (kid: string): VerificationKey | undefined => {
          const key = keys.heldKey?.(kid);
          if (key) metrics.countKid(key.kid);
          return key;
        }
      : undefined,
    isReady: () => keys.isReady(),
    algorithms: () => keys.algorithms(),
  };
}
