import type { AccessTokenClaims } from '@app/contract';
import type { KeySource, VerificationKey } from '../keys/key-source';
import { AccessTokenHeader, decodeCanonical, hasCompactShape, readHeaderSegment } from './jws-header';
import { checkSignature } from './signature.check';
import { claimsOfSignedToken } from './signed-claims';
import { VerificationError } from './verification.error';
import { VerifiedTokenCache } from './verified-token.cache';

export interface VerifierPolicy {
  issuer: string;
  /** Must be among the token's `aud`; of a list, any one will do. */
  audience: string | readonly string[];
  /** Allow-list. A token's alg must also equal the `alg` its key is published with. */
  algorithms: readonly string[];
  clockToleranceSeconds: number;
  /** Verified (and signature-refused) tokens remembered by their exact string; 0 turns the cache off. Default 0. */
  cacheSize?: number;
  /** Milliseconds since the epoch; a test hook. */
  now?: () => number;
}

/** Refusals that the same token under the same key will always get again (time only moves towards `exp`). */
const LASTING_REFUSALS = new Set(['ERR_SIGNATURE_INVALID', 'ERR_CLAIMS_INVALID', 'ERR_ISSUER_MISMATCH', 'ERR_AUDIENCE_MISMATCH', 'ERR_TOKEN_EXPIRED']);
/** Refusals are remembered for at most this long: enough to make a replayed flood cheap. */
const REFUSAL_TTL_MS = 60_000;
/** Distinct valid headers are few (one per key); a bound keeps forged ones from growing the map. */
const HEADER_CACHE_SIZE = 64;

/**
 * Verifies an access token: strict header, allow-listed algorithm, a known key whose published `alg`
 * matches, the signature, then the claims. Every refusal is a VerificationError with a code.
 * The cheapest checks run first (shape, header, algorithm, key), so garbage costs less than a good token.
 *
 * @example
 * const claims = await new AccessTokenVerifier(keySet, { issuer, audience: 'orders-api', algorithms: ['RS256'], clockToleranceSeconds: 5 }).verify(token);
 */
export class AccessTokenVerifier {
  private readonly allowed: ReadonlySet<string>;
  private readonly cache?: VerifiedTokenCache;
  private readonly headers = new Map<string, AccessTokenHeader>();

  constructor(
    private readonly keys: KeySource,
    private readonly policy: VerifierPolicy,
  ) {
    this.allowed = new Set(policy.algorithms);
    if (policy.cacheSize) this.cache = new VerifiedTokenCache(policy.cacheSize);
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    const now = this.policy.now?.() ?? Date.now();
    const hit = this.cache?.get(token, now);
    if (hit) {
      // The key lookup still runs: a key revoked, rotated out or gone stale since misses (or answers 503) as before.
      if ((await this.keys.getKey(hit.key.kid)) === hit.key) {
        if (hit.refusal) throw hit.refusal;
        return { ...(hit.claims as AccessTokenClaims) };
      }
      this.cache?.delete(token);
    }
    const header = this.header(token);
    const key = await this.resolveKey(header);
    const lastDot = token.lastIndexOf('.');
    const signingInput = token.slice(0, lastDot);
    try {
      decodeCanonical(signingInput.slice(signingInput.indexOf('.') + 1));
      checkSignature(header.alg, key.key, signingInput, decodeCanonical(token.slice(lastDot + 1)));
      // Only once the signature holds: unauthenticated bytes never reach the payload's JSON scan.
      const claims = claimsOfSignedToken(token, this.policy, Math.floor(now / 1000));
      this.remember(token, key, claims);
      return claims;
    } catch (error) {
      if (this.cache && error instanceof VerificationError && LASTING_REFUSALS.has(error.code)) {
        this.cache.set(token, { key, refusal: error, expiresAt: now + REFUSAL_TTL_MS });
      }
      throw error;
    }
  }

  /**
   * The verdict on a token checked before, when it can be given without waiting: a cache hit whose key the key source
   * still holds, usable, as the very key that checked it. Claims (a copy) when it was accepted, the error when it was
   * refused for good (bad signature, claims, issuer, audience, expiry); undefined otherwise: call verify().
   */
  verdictFromMemory(token: string): AccessTokenClaims | VerificationError | undefined {
    const hit = this.cache?.get(token, this.policy.now?.() ?? Date.now());
    if (hit === undefined || this.keys.heldKey?.(hit.key.kid) !== hit.key) return undefined;
    return hit.refusal ?? { ...(hit.claims as AccessTokenClaims) };
  }

  /** The key a checked header names, pinned to its algorithm; also the Passport strategy's key provider. */
  async resolveKey(header: AccessTokenHeader): Promise<VerificationKey> {
    // The allow-list and the key decide the algorithm; the header only names one, which must agree with both.
    if (!this.allowed.has(header.alg)) throw new VerificationError('ERR_ALG_NOT_ALLOWED', header.alg);
    const key = await this.keys.getKey(header.kid);
    if (!key) throw new VerificationError('ERR_KID_UNKNOWN');
    if (key.alg !== header.alg) throw new VerificationError('ERR_ALG_NOT_ALLOWED', `${header.alg} for a ${key.alg} key`);
    return key;
  }

  /** Forgets the cached tokens of a revoked key (their next lookup would miss anyway). */
  forgetKid(kid: string): void {
    this.cache?.dropKid(kid);
  }

  /** Parsed headers by their segment: every token of one key shares one. */
  private header(token: string): AccessTokenHeader {
    // The shape check always runs first: a known header does not vouch for the rest of the string.
    if (!hasCompactShape(token)) throw new VerificationError('ERR_TOKEN_MALFORMED');
    const segment = token.slice(0, token.indexOf('.'));
    const known = this.headers.get(segment);
    if (known) return known;
    const header = readHeaderSegment(token);
    if (this.headers.size < HEADER_CACHE_SIZE) this.headers.set(segment, header);
    return header;
  }

  private remember(token: string, key: VerificationKey, claims: AccessTokenClaims): void {
    if (!this.cache) return;
    const expiresAt = (claims.exp + this.policy.clockToleranceSeconds) * 1000;
    // Shared by every later hit: frozen, arrays included, so one request's handler cannot change another's claims.
    for (const value of Object.values(claims)) if (Array.isArray(value)) Object.freeze(value);
    this.cache.set(token, { key, claims: Object.freeze({ ...claims }), expiresAt });
  }
}
