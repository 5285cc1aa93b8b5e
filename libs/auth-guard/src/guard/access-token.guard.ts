import { CanActivate, ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AccessTokenClaims } from '@app/contract';
import { RESOLVED_OPTIONS } from '../auth-guard.constants';
import type { ResolvedGuardOptions } from '../auth-guard.module-definition';
import { realmOf } from '../auth-guard.options.resolve';
import { IS_PUBLIC, REQUIRED_ROLES, REQUIRED_SCOPES, REVOCATION_FAIL_OPEN } from '../decorators/metadata.keys';
import { forbidden, unauthorized, unavailable } from '../http/challenge';
import { extractRequestToken } from '../http/request-token';
import { RevocationChecker } from '../revocation/revocation.checker';
import { AccessTokenVerifier } from '../verify/access-token.verifier';
import { VerificationError, VerificationFailure } from '../verify/verification.error';
import { accessShortfall } from './access-rules';
import { GuardMetrics } from './guard.metrics';

type Targets = [Function, Function];

/**
 * Global and deny-by-default: every route needs a valid, unrevoked access token unless marked @Public().
 * The caller learns only 401 invalid_token, 403 insufficient_scope or 503 + Retry-After;
 * the reason code goes to the debug log and to GuardMetrics.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  private readonly logger = new Logger('AccessTokenGuard');

  constructor(
    private readonly reflector: Reflector,
    // Any verifier with this one method: the HS256 mode (@app/hs256-tokens) runs this very guard over its own.
    @Inject(AccessTokenVerifier) private readonly verifier: Pick<AccessTokenVerifier, 'verify'>,
    private readonly metrics: GuardMetrics,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedGuardOptions,
    @Optional() private readonly revocation?: RevocationChecker,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets: Targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest();
    const response = http.getResponse();
    const realm = realmOf(this.options);

    const token = extractRequestToken(request, this.options.cookie);
    if (!token) {
      this.refuse(token === undefined ? 'ERR_TOKEN_MISSING' : 'ERR_TOKEN_MALFORMED');
      throw unauthorized(response, realm, token === null);
    }
    const claims = await this.verified(token, response, realm);
    await this.assertNotRevoked(claims, response, realm, targets);

    const roles = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets);
    const scopes = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, targets);
    const shortfall = accessShortfall(claims, roles, scopes);
    if (shortfall) {
      this.refuse(shortfall.code);
      throw forbidden(response, realm, shortfall.code === 'ERR_INSUFFICIENT_SCOPE' ? shortfall.scope : undefined);
    }
    request.user = claims;
    this.metrics.increment('accepted');
    return true;
  }

  private async verified(token: string, response: object, realm: string): Promise<AccessTokenClaims> {
    try {
      return await this.verifier.verify(token);
    } catch (error) {
      const code = error instanceof VerificationError ? error.code : 'ERR_TOKEN_MALFORMED';
      this.refuse(code, error);
      if (code === 'ERR_KEYS_UNAVAILABLE') throw unavailable(response, (error as VerificationError).retryAfterSeconds ?? this.options.retryAfterSeconds);
      throw unauthorized(response, realm, true);
    }
  }

  private async assertNotRevoked(claims: AccessTokenClaims, response: object, realm: string, targets: Targets): Promise<void> {
    try {
      await this.revocation?.assertNotRevoked(claims);
    } catch (error) {
      const code = error instanceof VerificationError ? error.code : 'ERR_REVOCATION_UNAVAILABLE';
      this.refuse(code, error);
      if (code === 'ERR_TOKEN_REVOKED') throw unauthorized(response, realm, true);
      if (this.reflector.getAllAndOverride<boolean>(REVOCATION_FAIL_OPEN, targets)) {
        this.metrics.increment('revocation-fail-open');
        return;
      }
      throw unavailable(response, this.options.retryAfterSeconds);
    }
  }

  private refuse(code: VerificationFailure, error?: unknown): void {
    this.metrics.increment(code);
    this.logger.debug(`refused: ${error instanceof Error ? error.message : code}`);
  }
}
