import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy, StrategyOptionsWithRequest } from 'passport-jwt';
import type { AccessTokenClaims } from '@app/contract';
import { RESOLVED_OPTIONS } from '../auth-guard.constants';
import { realmOf } from '../auth-guard.options.resolve';
import type { ResolvedGuardOptions } from '../auth-guard.module-definition';
import { GuardMetrics } from '../guard/guard.metrics';
import { extractRequestToken, TokenBearingRequest } from '../http/request-token';
import { refusalFor } from '../http/refusal';
import { RevocationChecker } from '../revocation/revocation.checker';
import { AccessTokenVerifier } from '../verify/access-token.verifier';
import { readAccessTokenHeader } from '../verify/jws-header';
import { VerificationError, VerificationFailure } from '../verify/verification.error';
import { BearerChallenge } from './bearer-challenge.exception';

/** What jsonwebtoken (under passport-jwt) can verify; EdDSA is not among them. */
const JSONWEBTOKEN_ALGORITHMS: ReadonlySet<string> = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']);
/** jsonwebtoken's error names for its own refusals, read as our codes (the metrics stay comparable). */
const JSONWEBTOKEN_FAILURES: Record<string, VerificationFailure> = { TokenExpiredError: 'ERR_TOKEN_EXPIRED', NotBeforeError: 'ERR_TOKEN_NOT_YET_VALID' };

type Request = TokenBearingRequest & object;

/**
 * `passport-jwt` strategy named 'jwt' that answers exactly as the native guard. Each request first runs the
 * guard's own AccessTokenVerifier (header, allow-list, key pinned to its alg, signature, claims); then
 * passport-jwt verifies again with the same key from the same key set (`secretOrKeyProvider`), as a second
 * layer; `validate` checks revocation. Every refusal goes out through `error()` as a BearerChallenge, so
 * even the stock `AuthGuard('jwt')` answers with our 401/503 challenges instead of a bare UnauthorizedException.
 * Keys jsonwebtoken cannot use (EdDSA) are verified by our verifier alone, and start-up says so.
 */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, 'jwt') {
  /** Allowed algorithms that passport-jwt cannot check itself; their tokens rest on our verifier alone. */
  readonly verifierOnlyAlgorithms: readonly string[];
  private readonly logger = new Logger('AccessTokenStrategy');
  private readonly verified = new WeakMap<object, AccessTokenClaims>();

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly metrics: GuardMetrics,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedGuardOptions,
    @Optional() private readonly revocation?: RevocationChecker,
  ) {
    super({
      jwtFromRequest: (request: Request) => extractRequestToken(request, options.cookie) ?? null,
      // The KeyObject itself (jsonwebtoken 9 takes one; the typings still say string | Buffer).
      secretOrKeyProvider: (_request: Request, token: string, done: (error: unknown, key?: string) => void) =>
        void verifier.resolveKey(readAccessTokenHeader(token)).then((key) => done(null, key.key as unknown as string), done),
      issuer: options.issuer,
      audience: [options.audience].flat(),
      algorithms: options.algorithms.filter((alg) => JSONWEBTOKEN_ALGORITHMS.has(alg)) as StrategyOptionsWithRequest['algorithms'],
      jsonWebTokenOptions: { clockTolerance: options.clockToleranceSeconds },
      passReqToCallback: true,
    });
    this.verifierOnlyAlgorithms = options.algorithms.filter((alg) => !JSONWEBTOKEN_ALGORITHMS.has(alg));
    if (this.verifierOnlyAlgorithms.length > 0) {
      this.logger.warn(
        `passport-jwt cannot verify ${this.verifierOnlyAlgorithms.join(', ')}: those tokens are verified by the guard's AccessTokenVerifier alone`,
      );
    }
  }

  override authenticate(request: Request, options?: object): void {
    const token = extractRequestToken(request, this.options.cookie);
    if (!token) return this.refuse(token === undefined ? 'ERR_TOKEN_MISSING' : 'ERR_TOKEN_MALFORMED');
    this.verifier.verify(token).then(
      (claims) => {
        this.verified.set(request, claims);
        if (JSONWEBTOKEN_ALGORITHMS.has(readAccessTokenHeader(token).alg)) {
          // passport-jwt's own refusals arrive through fail(), which the stock AuthGuard turns into a bare 401.
          this.fail = (reason?: unknown) => this.refuse(failureOf(reason), reason);
          return super.authenticate(request as never, options);
        }
        this.validate(request, claims).then(
          (user) => this.success(user),
          (error: Error) => this.error(error),
        );
      },
      (error) => this.refuse(failureOf(error), error),
    );
  }

  /** Called by passport-jwt with the payload it decoded, after its own checks passed. */
  async validate(request: Request, payload: { jti?: unknown }): Promise<AccessTokenClaims> {
    const claims = this.verified.get(request);
    // Both layers must have read the same token; anything else is refused rather than trusted.
    if (!claims || claims.jti !== payload.jti) throw this.challenge('ERR_TOKEN_MALFORMED');
    try {
      await this.revocation?.assertNotRevoked(claims);
    } catch (error) {
      throw this.challenge(error instanceof VerificationError ? error.code : 'ERR_REVOCATION_UNAVAILABLE', error);
    }
    this.metrics.increment('accepted');
    return claims;
  }

  private refuse(code: VerificationFailure, error?: unknown): void {
    this.error(this.challenge(code, error));
  }

  private challenge(code: VerificationFailure, error?: unknown): BearerChallenge {
    this.metrics.increment(code);
    this.logger.debug(`refused: ${error instanceof Error ? error.message : code}`);
    const retryAfterSeconds = (error instanceof VerificationError ? error.retryAfterSeconds : undefined) ?? this.options.retryAfterSeconds;
    return new BearerChallenge(refusalFor(code, { realm: realmOf(this.options), retryAfterSeconds }));
  }
}

function failureOf(reason: unknown): VerificationFailure {
  if (reason instanceof VerificationError) return reason.code;
  const name = reason instanceof Error ? reason.name : '';
  return JSONWEBTOKEN_FAILURES[name] ?? 'ERR_SIGNATURE_INVALID';
}
