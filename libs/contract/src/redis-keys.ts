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

/**
 * Messages on the events channel; guards act on them at once. Request-by-request checks read Redis and need no event;
 * `session-ended` and `token-denied` are for what outlives a request (WebSocket connections), which must close when
 * their token is revoked. Listeners ignore types they do not know.
 */
export type IssuerEvent =
  | { type: 'keys-changed' }
  | { type: 'key-revoked'; kid: string }
  | { type: 'subject-cutoff'; sub: string; at: number }
  | { type: 'session-ended'; sid: string }
  | { type: 'token-denied'; jti: string };
