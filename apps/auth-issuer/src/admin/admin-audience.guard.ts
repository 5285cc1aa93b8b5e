import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { AccessTokenClaims } from '@app/contract';
import { GuardMetrics, unauthorized } from '@app/auth-guard';
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
    const http = context.switchToHttp();
    const claims = http.getRequest<{ user?: AccessTokenClaims }>().user;
    const aud: unknown = claims?.aud;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (audiences.length === 1 && audiences[0] === this.config.adminAudience) return true;
    this.metrics.increment('ERR_AUDIENCE_MISMATCH');
    throw unauthorized(http.getResponse(), this.config.issuerUrl, true);
  }
}
