import type { AccessTokenClaims } from '@app/contract';
import { traced, tracingEnabled } from '@app/platform';
import { AccessTokenVerifier } from '../verify/access-token.verifier';

/** The verifier with a `token.verify` span (outcome and refusal code; never the token or its claims). */
export class TracedAccessTokenVerifier extends AccessTokenVerifier {
  /** With tracing on, every verification goes through verify() and gets its span. */
  override verdictFromMemory(token: string): ReturnType<AccessTokenVerifier['verdictFromMemory']> {
    return tracingEnabled() ? undefined : super.verdictFromMemory(token);
  }

  override verify(token: string): Promise<AccessTokenClaims> {
    if (!tracingEnabled()) return super.verify(token);
    return traced('token.verify', {}, async (span) => {
      const claims = await super.verify(token);
      span?.setAttribute('auth.outcome', 'accepted');
      return claims;
    });
  }
}
