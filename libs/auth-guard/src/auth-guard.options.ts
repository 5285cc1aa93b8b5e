import type { RedisClient, RedisTopology } from '@app/platform';
import type { CookieTokenOptions } from './http/cookie-token.extractor';
import type { KeySource } from './keys/key-source';
import { DEFAULT_MAX_STALENESS_MS } from './keys/remote-key-set';

/** Options of AuthGuardModule.forRoot / forRootAsync; every field but issuer and audience has a default. */
export interface AuthGuardOptions {
  /** Exact `iss` expected in tokens; discovery is read from `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /**
   * This service's audience; it must be among the token's `aud`. A list accepts a token that names any
   * one of them (a service answering for several audiences, such as the issuer's own endpoints).
   */
  audience: string | readonly string[];
  /** The `realm` of every `WWW-Authenticate` challenge. Default: the (first) audience. */
  realm?: string;
  /** Default: the `jwks_uri` of the issuer's discovery document. */
  jwksUrl?: string;
  /** Algorithm allow-list; a token's alg must also match the alg its key is published with. Default RS256, ES256, EdDSA. */
  algorithms?: string[];
  /** Leeway for exp/nbf/iat, seconds. Default 5. */
  clockToleranceSeconds?: number;
  /**
   * Redis for the jti denylist, subject cut-offs and key events: a URL, a topology (`{ kind: 'cluster', nodes }`,
   * `{ kind: 'sentinel', sentinels, name }`; `readRedisTopology(process.env)` reads the fleet's variables) or a client
   * you own. Omit only to disable revocation checks.
   */
  redis?: RedisClient | RedisTopology | string;
  /** Key and channel prefix shared with the issuer. Default ''. */
  redisPrefix?: string;
  /** Subscribe to the issuer's key events (needs `redis`). Default true. */
  keyEvents?: boolean;
  /**
   * Refuse (503) while the issuer's revocation seed marker is missing from Redis, i.e. after Redis lost
   * its data and before the issuer has restored the denylist from PostgreSQL. Default false;
   * the product's services and the issuer turn it on.
   */
  requireRevocationSeed?: boolean;
  /**
   * Hold the denylist in memory (loaded at start, kept current by the issuer's events, re-read after every
   * reconnect), so a request makes no Redis round trip. While the copy cannot prove it is current, each request
   * looks Redis up as without it. Needs `redis`. Default true.
   */
  revocationReplica?: boolean;
  /** A full re-read of the denylist even while current, ms: bounds the life of anything a lost publish kept out. Default 300000. */
  revocationFullReadIntervalMs?: number;
  /** Verified tokens remembered by their exact string (until their `exp`), so a repeated token skips the signature. 0 turns it off. Default 10000. */
  verifiedTokenCacheSize?: number;
  /** One deadline for discovery plus JWKS download, ms. Default 2000. */
  fetchTimeoutMs?: number;
  /** Minimum gap between JWKS fetches caused by unknown kids or a cold key set, ms. Default 10000. */
  unknownKidCooldownMs?: number;
  /** Background JWKS refresh period while push notices arrive, ms. Default 60000. */
  jwksRefreshIntervalMs?: number;
  /**
   * How long the last good JWKS may be trusted after the last successful fetch while the issuer cannot be reached, ms.
   * Past it every request is refused with 503 until a fetch succeeds: a key revoked meanwhile is never trusted for
   * longer. Default 900000 (15 min, the default access token lifetime).
   */
  jwksMaxStalenessMs?: number;
  /** Retry-After seconds when revocation cannot be checked. Default 5. */
  retryAfterSeconds?: number;
  /** Replaces the JWKS client, e.g. the issuer's own in-memory keys. */
  keySource?: KeySource;
  /**
   * Also accept the access token from this HttpOnly cookie (browser apps). On methods other than
   * GET/HEAD/OPTIONS the cookie counts only when `csrfHeader` equals the `csrfCookie` cookie. Default: off.
   */
  cookie?: CookieTokenOptions;
  /** Test hook: milliseconds since the epoch. */
  now?: () => number;
}

export const GUARD_DEFAULTS = {
  algorithms: ['RS256', 'ES256', 'EdDSA'],
  clockToleranceSeconds: 5,
  redisPrefix: '',
  keyEvents: true,
  requireRevocationSeed: false,
  revocationReplica: true,
  revocationFullReadIntervalMs: 300_000,
  verifiedTokenCacheSize: 10_000,
  fetchTimeoutMs: 2000,
  unknownKidCooldownMs: 10_000,
  jwksRefreshIntervalMs: 60_000,
  jwksMaxStalenessMs: DEFAULT_MAX_STALENESS_MS,
  retryAfterSeconds: 5,
} as const;
