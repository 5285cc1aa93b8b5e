import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Span } from '@opentelemetry/api';
import { ACCESS_TOKEN_TYPE, type ActorClaim } from '@app/contract';
import { traced } from '@app/platform';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { SigningKeysService } from '../keys/ring/signing-keys.service';
import { IssuerError } from '../errors/issuer.error';

export interface AccessTokenSubject {
  sub: string;
  roles: string[];
  scope: string;
  audience: string[];
  clientId?: string;
  /** Refresh family this token belongs to, so logout can end the session from the access token alone. */
  sessionId?: string;
  /** Lifetime in seconds when shorter than ACCESS_TOKEN_TTL (admin-audience tokens). */
  ttlSeconds?: number;
  /** Latest `exp` allowed (NumericDate): an exchanged token never outlives its subject token. */
  expiresAtMost?: number;
  /** RFC 8693 §4.1 actor chain of an exchanged token. */
  act?: ActorClaim;
}

export interface SignedAccessToken {
  token: string;
  jti: string;
  expiresIn: number;
  exp: number;
}

/** Mints RFC 9068 access tokens with whichever key is active in the current ring. */
@Injectable()
export class AccessTokenSigner {
  constructor(
    private readonly keys: SigningKeysService,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  /** Traced as `token.sign` (alg and kid of the signing key; never claims or the token) when tracing is on. */
  sign(subject: AccessTokenSubject): Promise<SignedAccessToken> {
    return traced('token.sign', {}, (span) => this.mint(subject, span));
  }

  private async mint(subject: AccessTokenSubject, span?: Span): Promise<SignedAccessToken> {
    const signer = this.keys.current().signer;
    if (!signer) throw new IssuerError('temporarily_unavailable', 'no active signing key');
    span?.setAttributes({ 'jwt.alg': signer.alg, 'jwt.kid': signer.kid });
    const iat = Math.floor(Date.now() / 1000);
    const ttl = Math.min(subject.ttlSeconds ?? this.config.accessTokenTtl, this.config.accessTokenTtl);
    const exp = Math.min(iat + ttl, subject.expiresAtMost ?? Number.MAX_SAFE_INTEGER);
    // A token that expires as it is issued would be refused everywhere: say so instead of minting it.
    if (exp <= iat) throw new IssuerError('invalid_grant', 'the token it derives from has expired');
    const jti = randomUUID();
    const claims: Record<string, unknown> = { roles: subject.roles, scope: subject.scope };
    if (subject.clientId) claims.client_id = subject.clientId;
    if (subject.sessionId) claims.sid = subject.sessionId;
    if (subject.act) claims.act = subject.act;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: signer.alg, typ: ACCESS_TOKEN_TYPE, kid: signer.kid })
      .setIssuer(this.config.issuerUrl)
      .setSubject(subject.sub)
      .setAudience(subject.audience.length === 1 ? subject.audience[0] : subject.audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(signer.privateKey);
    return { token, jti, expiresIn: exp - iat, exp };
  }
}
