import { CanActivate, ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AccessTokenClaims } from '@app/contract';
import { RESOLVED_OPTIONS } from '../auth-guard.constants';
import type { ResolvedGuardOptions } from '../auth-guard.module-definition';
import { realmOf } from '../auth-guard.options.resolve';
import { extractRequestToken, plainBearerOf, type TokenBearingRequest } from '../http/request-token';
import { attachClaims, claimsOf } from '../rpc/connection-claims';
import { extractRpcToken } from '../rpc/rpc-token';
import { RevocationChecker } from '../revocation/revocation.checker';
import { AccessTokenVerifier } from '../verify/access-token.verifier';
import { VerificationError, VerificationFailure } from '../verify/verification.error';
import { accessShortfall } from './access-rules';
import { GuardMetrics } from './guard.metrics';
import { httpRefuser, messageRefuser, Refuser } from './refuser';
import { RoutePolicies, RoutePolicy } from './route-policy';

/**
 * Global and deny-by-default: every route, @MessagePattern/@EventPattern handler and gateway message needs a valid,
 * unrevoked access token unless marked @Public(). Over HTTP the caller learns only 401 invalid_token, 403
 * insufficient_scope or 503 + Retry-After; over RPC and WebSockets the same three as UNAUTHENTICATED,
 * PERMISSION_DENIED or UNAVAILABLE (rpc/rpc-refusal.ts);
 * the reason code goes to the debug log and to GuardMetrics.
 *
 * The steady state is answered without an await: a token verified before (its key still held), the revocation
 * replica current, the route's rules met. Anything else takes the full path, which gives every refusal its form.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  private readonly logger = new Logger('AccessTokenGuard');
  private readonly policies: RoutePolicies;
  private readonly realm: string;

  constructor(
    reflector: Reflector,
    // Any verifier with verify(): the HS256 mode (@app/hs256-tokens) runs this very guard over its own.
    @Inject(AccessTokenVerifier) private readonly verifier: Pick<AccessTokenVerifier, 'verify'> & Partial<Pick<AccessTokenVerifier, 'verdictFromMemory'>>,
    private readonly metrics: GuardMetrics,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedGuardOptions,
    @Optional() private readonly revocation?: RevocationChecker,
  ) {
    this.policies = new RoutePolicies(reflector);
    this.realm = realmOf(options);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const policy = this.policies.of(context.getHandler(), context.getClass());
    const kind = context.getType<'http' | 'rpc' | 'ws'>();
    // Read (and, for an envelope, unwrap) the token before the @Public check, so a public handler also gets the bare payload.
    const token = kind === 'rpc' ? extractRpcToken(context.getArgs()) : undefined;
    if (policy.isPublic) return true;
    if (kind === 'rpc') {
      const carrier = context.switchToRpc().getContext<unknown>();
      return this.admit(token, (claims) => attachClaims(carrier, claims), messageRefuser(isGrpc(context) ? 'grpc' : 'rpc'), policy);
    }
    if (kind === 'ws') return this.admitConnection(context, policy);
    const request = context.switchToHttp().getRequest<TokenBearingRequest & { user?: AccessTokenClaims }>();
    const candidate = plainBearerOf(request);
    const remembered = candidate === undefined ? undefined : this.verifier.verdictFromMemory?.(candidate);
    if (remembered && !(remembered instanceof VerificationError) && this.admitsAtOnce(remembered, policy)) {
      request.user = remembered;
      return true;
    }
    const hold = (claims: AccessTokenClaims) => (request.user = claims);
    const refuser = httpRefuser(context, this.realm);
    if (remembered instanceof VerificationError) {
      // Refused before for good (a replayed forgery, an expired token): refused again at once, no await.
      this.refuse(remembered.code, remembered);
      throw refuser.unauthorized(true);
    }
    if (remembered) return this.admitVerified(remembered, hold, refuser, policy);
    return this.admit(extractRequestToken(request, this.options.cookie), hold, refuser, policy);
  }

  /** Whether memory alone admits verified claims: the route's rules met, the revocation replica current and silent. */
  private admitsAtOnce(claims: AccessTokenClaims, policy: RoutePolicy): boolean {
    if (accessShortfall(claims, policy.roles, policy.scopes, policy.delegation)) return false;
    if (this.revocation && this.revocation.replicaVerdict(claims) !== null) return false;
    if (this.revocation) this.metrics.countRevocationCheck('replica');
    this.metrics.increment('accepted');
    return true;
  }

  /** Verifies, checks revocation and access rules, then hands the claims to `hold` (where @CurrentUser finds them). */
  private async admit(token: string | undefined | null, hold: (claims: AccessTokenClaims) => void, refuser: Refuser, policy: RoutePolicy): Promise<boolean> {
    if (!token) {
      this.refuse(token === undefined ? 'ERR_TOKEN_MISSING' : 'ERR_TOKEN_MALFORMED');
      throw refuser.unauthorized(token === null);
    }
    return this.admitVerified(await this.verified(token, refuser), hold, refuser, policy);
  }

  private async admitVerified(claims: AccessTokenClaims, hold: (claims: AccessTokenClaims) => void, refuser: Refuser, policy: RoutePolicy): Promise<boolean> {
    await this.assertNotRevoked(claims, refuser, policy);
    this.assertAccess(claims, refuser, policy);
    hold(claims);
    this.metrics.increment('accepted');
    return true;
  }

  /**
   * WebSocket messages: the handshake was authenticated (ws/authenticated-ws.adapter.ts) and the connection closes when its
   * token expires or is revoked; each message still re-checks revocation (a missed push fails closed) and the handler's rules.
   */
  private async admitConnection(context: ExecutionContext, policy: RoutePolicy): Promise<boolean> {
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
    await this.assertNotRevoked(claims, refuser, policy);
    this.assertAccess(claims, refuser, policy);
    this.metrics.increment('accepted');
    return true;
  }

  private assertAccess(claims: AccessTokenClaims, refuser: Refuser, policy: RoutePolicy): void {
    const shortfall = accessShortfall(claims, policy.roles, policy.scopes, policy.delegation);
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

  private async assertNotRevoked(claims: AccessTokenClaims, refuser: Refuser, policy: RoutePolicy): Promise<void> {
    try {
      await this.revocation?.assertNotRevoked(claims);
    } catch (error) {
      const code = error instanceof VerificationError ? error.code : 'ERR_REVOCATION_UNAVAILABLE';
      this.refuse(code, error);
      if (code === 'ERR_TOKEN_REVOKED') throw refuser.unauthorized(true);
      if (policy.revocationFailOpen) {
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
