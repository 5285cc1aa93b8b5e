import type { ExecutionContext } from '@nestjs/common';
import type { AccessTokenClaims } from '@app/contract';
import { GuardMetrics, unauthorized, type VerificationFailure } from '@app/auth-guard';

/**
 * The step route guards take after the global guard has verified the token: the claims pass `rule`, or the
 * refusal is counted under `code` and answered as the global guard's 401 (invalid_token, realm = the issuer).
 */
export function admitClaimsOrRefuse(
  context: ExecutionContext,
  rule: (claims: AccessTokenClaims | undefined) => boolean,
  code: VerificationFailure,
  metrics: GuardMetrics,
  realm: string,
): true {
  const http = context.switchToHttp();
  if (rule(http.getRequest<{ user?: AccessTokenClaims }>().user)) return true;
  metrics.increment(code);
  throw unauthorized(http.getResponse(), realm, true);
}
