import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { AccessTokenClaims } from '@app/contract';
import { GuardMetrics } from '@app/auth-guard';
import { admitClaimsOrRefuse } from '../auth/claims-rule';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';

/**
 * Runs after the global guard has verified the token: `/admin/*` takes only a token minted for the
 * admin API alone (`aud` exactly `<ISSUER_URL>/admin`). An ordinary token that also reached a
 * resource service, a proxy or a log can therefore never be replayed here.
 */
@Injectable()
export class AdminAudienceGuard implements CanActivate {
  constructor(
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    private readonly metrics: GuardMetrics,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    return admitClaimsOrRefuse(context, (claims) => this.isAdminOnly(claims), 'ERR_AUDIENCE_MISMATCH', this.metrics, this.config.issuerUrl);
  }

  private isAdminOnly(claims: AccessTokenClaims | undefined): boolean {
    const aud: unknown = claims?.aud;
    const audiences = Array.isArray(aud) ? aud : [aud];
    return audiences.length === 1 && audiences[0] === this.config.adminAudience;
  }
}
