import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { FIRST_PARTY_CLIENT_ID } from '@app/contract';
import { GuardMetrics } from '@app/auth-guard';
import { admitClaimsOrRefuse } from './claims-rule';
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
    return admitClaimsOrRefuse(context, (claims) => claims?.client_id === FIRST_PARTY_CLIENT_ID, 'ERR_CLAIMS_INVALID', this.metrics, this.config.issuerUrl);
  }
}
