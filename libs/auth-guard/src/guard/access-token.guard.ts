import { CanActivate, ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AccessTokenClaims } from '@app/contract';
import { RESOLVED_OPTIONS } from '../auth-guard.constants';
import type { ResolvedGuardOptions } from '../auth-guard.module-definition';
import { realmOf } from '../auth-guard.options.resolve';
import { DELEGATION_RULE, IS_PUBLIC, REQUIRED_ROLES, REQUIRED_SCOPES, REVOCATION_FAIL_OPEN } from '../decorators/metadata.keys';
import { extractRequestToken, type TokenBearingRequest } from '../http/request-token';
import { attachClaims, claimsOf } from '../rpc/connection-claims';
import { extractRpcToken } from '../rpc/rpc-token';
import { RevocationChecker } from '../revocation/revocation.checker';
import { AccessTokenVerifier } from '../verify/access-token.verifier';
import { VerificationError, VerificationFailure } from '../verify/verification.error';
import { accessShortfall, DelegationRule } from './access-rules';
import { GuardMetrics } from './guard.metrics';
import { httpRefuser, messageRefuser, Refuser } from './refuser';

/** The handler and its controller class, where route metadata sits (as Reflector takes them). */
type Targets = Parameters<Reflector['getAllAndOverride']>[1];

/**
 * Global and deny-by-default: every route, @MessagePattern/@EventPattern handler and gateway message needs a valid,
 * unrevoked access token unless marked @Public(). Over HTTP the caller learns only 401 invalid_token, 403
 * insufficient_scope or 503 + Retry-After; over RPC and WebSockets the same three as UNAUTHENTICATED,
 * PERMISSION_DENIED or UNAVAILABLE (rpc/rpc-refusal.ts);
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
    const kind = context.getType<'http' | 'rpc' | 'ws'>();
    // Read (and, for an envelope, unwrap) the token before the @Public check, so a public handler also gets the bare payload.
    const token = kind === 'rpc' ? extractRpcToken(context.getArgs()) : undefined;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    if (kind === 'rpc') {
      const carrier = context.switchToRpc().getContext<unknown>();
      return this.admit(token, (claims) => attachClaims(carrier, claims), messageRefuser(isGrpc(context) ? 'grpc' : 'rpc'), targets);
    }
    if (kind === 'ws') return this.admitConnection(context, targets);
    const request = context.switchToHttp().getRequest<TokenBearingRequest & { user?: AccessTokenClaims }>();
    return this.admit(
      extractRequestToken(request, this.options.cookie),
      (claims) => (request.user = claims),
      httpRefuser(context, realmOf(this.options)),
      targets,
    );
  }

  /** Verifies, checks revocation and access rules, then hands the claims to `hold` (where @CurrentUser finds them). */
  private async admit(token: string | undefined | null, hold: (claims: AccessTokenClaims) => void, refuser: Refuser, targets: Targets): Promise<boolean> {
    if (!token) {
      this.refuse(token === undefined ? 'ERR_TOKEN_MISSING' : 'ERR_TOKEN_MALFORMED');
      throw refuser.unauthorized(token === null);
    }
    const claims = await this.verified(token, refuser);
    await this.assertNotRevoked(claims, refuser, targets);
    this.assertAccess(claims, refuser, targets);
    hold(claims);
    this.metrics.increment('accepted');
    return true;
  }

  /**
   * WebSocket messages: the handshake was authenticated (ws/authenticated-ws.adapter.ts) and the connection closes when its
   * token expires or is revoked; each message still re-checks revocation (a missed push fails closed) and the handler's rules.
   */
  private async admitConnection(context: ExecutionContext, targets: Targets): Promise<boolean> {
    const refuser = messageRefuser('ws');
    const claims = claimsOf(context.switchToWs().getClient());
    if (!claims) {
      this.refuse('ERR_TOKEN_MISSING');
      throw refuser.unauthorized(false);
    }
    if (claims.exp * 1000 <= (this.options.now?.() ?? Date.now())) {
      this.refuse('ERR_TOKEN_EXPIRED');
      throw refuser.unauthorized(true);
    }
    await this.assertNotRevoked(claims, refuser, targets);
    this.assertAccess(claims, refuser, targets);
    this.metrics.increment('accepted');
    return true;
  }

  private assertAccess(claims: AccessTokenClaims, refuser: Refuser, targets: Targets): void {
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets);
    const scopes = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, targets);
    const delegation = this.reflector.getAllAndOverride<DelegationRule | undefined>(DELEGATION_RULE, targets);
    const shortfall = accessShortfall(claims, roles, scopes, delegation);
    if (!shortfall) return;
    this.refuse(shortfall.code);
    throw refuser.forbidden(shortfall.code === 'ERR_INSUFFICIENT_SCOPE' ? shortfall.scope : undefined);
  }

  private async verified(token: string, refuser: Refuser): Promise<AccessTokenClaims> {
    try {
      return await this.verifier.verify(token);
    } catch (error) {
      const code = error instanceof VerificationError ? error.code : 'ERR_TOKEN_MALFORMED';
      this.refuse(code, error);
      if (code === 'ERR_KEYS_UNAVAILABLE') throw refuser.unavailable((error as VerificationError).retryAfterSeconds ?? this.options.retryAfterSeconds);
      throw refuser.unauthorized(true);
    }
  }

  private async assertNotRevoked(claims: AccessTokenClaims, refuser: Refuser, targets: Targets): Promise<void> {
    try {
      await this.revocation?.assertNotRevoked(claims);
    } catch (error) {
      const code = error instanceof VerificationError ? error.code : 'ERR_REVOCATION_UNAVAILABLE';
      this.refuse(code, error);
      if (code === 'ERR_TOKEN_REVOKED') throw refuser.unauthorized(true);
      if (this.reflector.getAllAndOverride<boolean>(REVOCATION_FAIL_OPEN, targets)) {
        this.metrics.increment('revocation-fail-open');
        return;
      }
      throw refuser.unavailable(this.options.retryAfterSeconds);
    }
  }

  private refuse(code: VerificationFailure, error?: unknown): void {
    this.metrics.increment(code);
    this.logger.debug(`refused: ${error instanceof Error ? error.message : code}`);
  }
}

/** Nest's gRPC server calls handlers with (request, metadata, call); other transports with (data, context). */
const isGrpc = (context: ExecutionContext): boolean =>
  context.getArgs().length >= 3 && typeof context.getArgByIndex<{ getMap?: unknown } | undefined>(1)?.getMap === 'function';
