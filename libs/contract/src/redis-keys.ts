/**
 * Redis keys shared by the issuer (writer) and every guard (reader).
 * A deployment-wide prefix keeps tenants and test runs apart.
 */
export const redisKeys = (prefix: string) => ({
  deniedJti: (jti: string) => `${prefix}jti:${jti}`,
  subjectCutoff: (sub: string) => `${prefix}cutoff:${sub}`,
  /** A refresh family (the token's `sid`) that was ended: logout, reuse detection, revocation. */
  endedSession: (sid: string) => `${prefix}sid:${sid}`,
  events: `${prefix}events`,
  /**
   * Set by the issuer once every durable revocation is in Redis. Absent after Redis lost its data:
   * guards that require it answer 503 until the issuer has re-seeded the denylist from PostgreSQL.
   */
  revocationSeeded: `${prefix}revocation:seeded`,
  /** Held by the issuer while it re-seeds; the marker is set only where this run's token still is. */
  revocationSeeding: `${prefix}revocation:seeding`,
});
