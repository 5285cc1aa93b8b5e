/**
 * The hash tag of the revocation keys. The guard reads a token's denylist entry, its session, its subject's
 * cut-off and the seed marker in one MGET, and the issuer marks the seed with a script over two keys: in a
 * Redis Cluster multi-key commands must stay in one slot, and the marker must live where the entries live
 * (a shard that loses its data loses the marker with them). A prefix with a hash tag of its own (`{tenant-a}:`)
 * takes precedence, which keeps the keys together as well and puts each tenant in a slot of its own.
 */
export const REVOCATION_HASH_TAG = '{rev}';

/**
 * Redis keys shared by the issuer (writer) and every guard (reader).
 * A deployment-wide prefix keeps tenants and test runs apart.
 */
export const redisKeys = (prefix: string) => {
  const revocation = `${prefix}${REVOCATION_HASH_TAG}`;
  return {
    deniedJti: (jti: string) => `${revocation}jti:${jti}`,
    subjectCutoff: (sub: string) => `${revocation}cutoff:${sub}`,
    /** A refresh family (the token's `sid`) that was ended: logout, reuse detection, revocation. */
    endedSession: (sid: string) => `${revocation}sid:${sid}`,
    /** Pub/sub channel (not a key) on one Redis or through Sentinel: classic PUBLISH/SUBSCRIBE. */
    events: `${prefix}events`,
    /**
     * The same events in a Redis Cluster, over sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis 7+): only the master of
     * its slot carries it, instead of every node. The revocation keys' hash tag puts it in their slot, so the issuer
     * writes an entry and announces it in one MULTI.
     */
    shardedEvents: `${revocation}events`,
    /**
     * Set by the issuer once every durable revocation is in Redis. Absent after Redis lost its data:
     * guards that require it answer 503 until the issuer has re-seeded the denylist from PostgreSQL.
     */
    revocationSeeded: `${revocation}revocation:seeded`,
    /** Held by the issuer while it re-seeds; the marker is set only where this run's token still is. */
    revocationSeeding: `${revocation}revocation:seeding`,
  };
};
