import type Redis from 'ioredis';
import { Cluster } from 'ioredis';
import type { RedisClient } from '@app/platform/redis.client';
import { redisKeys } from '@app/contract';
import { RevocationReplica, ReplicaEntry } from './revocation.replica';
import { VerificationError } from '../verify/verification.error';

/** Keys per SCAN step; each step is one SCAN plus one pipeline of PTTL/GET. */
const SCAN_COUNT = 1000;
/** Added to every TTL read: the replica may keep an entry a little longer than Redis, never shorter. */
const EXPIRY_MARGIN_MS = 1000;

/**
 * Reads the whole authoritative denylist of a prefix from Redis (SCAN over `jti:`, `sid:` and `cutoff:` keys,
 * with their TTLs) into a fresh replica. With `requireSeed`, refuses to load a Redis that has lost its data
 * and not been re-seeded (the seed marker is read before the scan, so every seeded entry is in it).
 */
export async function loadReplica(redis: RedisClient, prefix: string, requireSeed: boolean, now: () => number): Promise<RevocationReplica> {
  const keys = redisKeys(prefix);
  if (requireSeed && !(await redis.exists(keys.revocationSeeded))) throw new VerificationError('ERR_REVOCATION_UNAVAILABLE', 'revocation store not seeded');
  const replica = new RevocationReplica();
  const kinds = [
    { kind: 'jti', start: keys.deniedJti('') },
    { kind: 'sid', start: keys.endedSession('') },
    { kind: 'cutoff', start: keys.subjectCutoff('') },
  ] as const;
  // SCAN walks one server: on a cluster, every master (the revocation keys share one slot, so one of them holds all).
  const servers: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const server of servers) {
    for (const { kind, start } of kinds) {
      let cursor = '0';
      do {
        const [next, found] = await server.scan(cursor, 'MATCH', `${escapeGlob(start)}*`, 'COUNT', SCAN_COUNT);
        cursor = next;
        if (found.length > 0) await readBatch(server, kind, start.length, found, replica, now);
      } while (cursor !== '0');
    }
  }
  return replica;
}

/** The TTL (and, for cut-offs, the value) of each key found, in one pipeline. */
async function readBatch(
  redis: Redis,
  kind: ReplicaEntry['kind'],
  skip: number,
  found: string[],
  replica: RevocationReplica,
  now: () => number,
): Promise<void> {
  const pipeline = redis.pipeline();
  for (const key of found) {
    pipeline.pttl(key);
    if (kind === 'cutoff') pipeline.get(key);
  }
  const replies = (await pipeline.exec()) ?? [];
  const step = kind === 'cutoff' ? 2 : 1;
  const at = now();
  found.forEach((key, i) => {
    const [ttlError, ttl] = replies[i * step] ?? [new Error('no reply')];
    if (ttlError) throw ttlError;
    // -2: gone since the SCAN; -1: no TTL (never written so by the issuer): kept until a later full read drops it.
    if (ttl === -2) return;
    const expiresAt = (ttl as number) === -1 ? Number.POSITIVE_INFINITY : at + (ttl as number) + EXPIRY_MARGIN_MS;
    const id = key.slice(skip);
    if (kind !== 'cutoff') return replica.add({ kind, id, expiresAt });
    const [valueError, value] = replies[i * step + 1] ?? [new Error('no reply')];
    if (valueError) throw valueError;
    if (value === null) return;
    const cutoff = Number(value);
    // An unreadable cut-off refuses every token of the subject, as the per-request check does.
    replica.add({ kind, id, at: Number.isFinite(cutoff) ? cutoff : Number.POSITIVE_INFINITY, expiresAt });
  });
}

/** SCAN's MATCH is a glob: a prefix holding `*`, `?`, `[` or `\` must match itself only. */
const escapeGlob = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&');
