import type { AccessTokenClaims } from '@app/contract';
import type { KeySource, VerificationKey } from '../keys/key-source';
import { AccessTokenHeader, decodeCanonical, readAccessTokenHeader } from './jws-header';
import { checkSignature } from './signature.check';
import { claimsOfSignedToken } from './signed-claims';
import { VerificationError } from './verification.error';

export interface VerifierPolicy {
  issuer: string;
  /** Must be among the token's `aud`; of a list, any one will do. */
  audience: string | readonly string[];
  /** Allow-list. A token's alg must also equal the `alg` its key is published with. */
  algorithms: readonly string[];
  clockToleranceSeconds: number;
  /** Milliseconds since the epoch; a test hook. */
  now?: () => number;
}

/**
 * Verifies an access token: strict header, allow-listed algorithm, a known key whose published `alg`
 * matches, the signature, then the claims. Every refusal is a VerificationError with a code.
 *
 * @example
 * const claims = await new AccessTokenVerifier(keySet, { issuer, audience: 'orders-api', algorithms: ['RS256'], clockToleranceSeconds: 5 }).verify(token);
 */
export class AccessTokenVerifier {
  private readonly allowed: ReadonlySet<string>;

  constructor(
    private readonly keys: KeySource,
    private readonly policy: VerifierPolicy,
  ) {
    this.allowed = new Set(policy.algorithms);
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    const header = readAccessTokenHeader(token);
    const key = await this.resolveKey(header);

    const lastDot = token.lastIndexOf('.');
    checkSignature(header.alg, key.key, token.slice(0, lastDot), decodeCanonical(token.slice(lastDot + 1)));
    // Only once the signature holds: unauthenticated bytes never reach the payload's JSON scan.
    const nowSeconds = Math.floor((this.policy.now?.() ?? Date.now()) / 1000);
    return claimsOfSignedToken(token, this.policy, nowSeconds);
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
}
