import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { claimsOfSignedToken, readAccessTokenHeader, VerificationError } from '@app/auth-guard';
import type { AccessTokenClaims } from '@app/contract';
import { HS256, HS256_OPTIONS } from './hs256.constants';
import type { ResolvedHs256Options } from './hs256-tokens.options';

/**
 * Verifies this service's own HS256 tokens: the guard library's strict header checks (compact form, only
 * alg/typ/kid, typ at+jwt), alg pinned to HS256, the kid's configured secret, the HMAC through JwtService,
 * then the guard library's claim checks. Refusals are VerificationErrors with the guard's codes.
 */
@Injectable()
export class Hs256TokenVerifier {
  constructor(
    private readonly jwt: JwtService,
    @Inject(HS256_OPTIONS) private readonly options: ResolvedHs256Options,
  ) {}

  async verify(token: string): Promise<AccessTokenClaims> {
    const header = readAccessTokenHeader(token);
    // Pinned here, and again in JwtService's own allow-list below: the header never picks the algorithm.
    if (header.alg !== HS256) throw new VerificationError('ERR_ALG_NOT_ALLOWED', header.alg);
    const entry = this.options.secrets.find((candidate) => candidate.kid === header.kid);
    if (!entry) throw new VerificationError('ERR_KID_UNKNOWN');
    try {
      // Signature only: time, issuer and audience are the shared claim checks' job, so both modes judge them alike.
      this.jwt.verify(token, { secret: entry.secret, algorithms: [HS256], ignoreExpiration: true, ignoreNotBefore: true });
    } catch (error) {
      throw new VerificationError('ERR_SIGNATURE_INVALID', error instanceof Error ? error.message : undefined);
    }
    return claimsOfSignedToken(
      token,
      { issuer: this.options.issuer, audience: this.options.audience, clockToleranceSeconds: this.options.clockToleranceSeconds },
      Math.floor(Date.now() / 1000),
    );
  }
}
