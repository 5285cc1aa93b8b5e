import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AccessTokenClaims, FIRST_PARTY_CLIENT_ID } from '@app/contract';
import { GuardMetrics, unauthorized } from '@app/auth-guard';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';

/**
 * Runs after the global guard: logging out takes a user's own token (from login or refresh, including
 * an admin-audience one), never a client-credentials token, whose `sub` is a client and which belongs
 * to no session.
 */
@Injectable()
export class SessionTokenGuard implements CanActivate {
  constructor(
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    private readonly metrics: GuardMetrics,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const claims = http.getRequest<{ user?: AccessTokenClaims }>().user;
    if (claims?.client_id === FIRST_PARTY_CLIENT_ID) return true;
    this.metrics.increment('ERR_CLAIMS_INVALID');
    throw unauthorized(http.getResponse(), this.config.issuerUrl, true);
  }
}
