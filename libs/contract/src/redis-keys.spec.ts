import fc from 'fast-check';
import { redisKeys } from './redis-keys';

// ioredis's own slot function (its dependency, without type declarations).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const calculateSlot = require('cluster-key-slot') as (key: string) => number;

/**
 * What one MGET (guard), one script (issuer's seed marker) or one MULTI (an entry and its SPUBLISH) touches together
 * must sit in one cluster slot.
 */
const revocationKeys = (prefix: string, jti: string, sub: string, sid: string): string[] => {
  const keys = redisKeys(prefix);
  return [keys.deniedJti(jti), keys.subjectCutoff(sub), keys.endedSession(sid), keys.revocationSeeded, keys.revocationSeeding, keys.shardedEvents];
};

describe('redisKeys in a Redis Cluster', () => {
  it('keeps every revocation key of a prefix, and the sharded events channel, in one hash slot, whatever the ids', () => {
    const id = fc.string({ unit: 'binary', maxLength: 40 });
    const prefix = fc.string({ maxLength: 20 }).filter((p) => !p.includes('{}')); // readRedisPrefix refuses "{}"
    fc.assert(
      fc.property(prefix, id, id, id, (p, jti, sub, sid) => {
        expect(new Set(revocationKeys(p, jti, sub, sid).map((key) => calculateSlot(key))).size).toBe(1);
      }),
      { seed: 14, numRuns: 1000 },
    );
  });

  it('keeps every key under the prefix, so a prefix scan still finds them', () => {
    for (const key of revocationKeys('tenant:', 'j', 's', 'f')) expect(key.startsWith('tenant:')).toBe(true);
  });
});
