import { Inject, Injectable } from '@nestjs/common';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { ACCESS_TOKEN_TYPE, AccessTokenClaims, REQUIRED_ACCESS_TOKEN_CLAIMS } from '@app/contract';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerKeySource } from '../keys/ring/issuer-key.source';

const MAX_TOKEN_LENGTH = 16_384;
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Verifies one of this issuer's own access tokens for any audience (revocation and introspection
 * speak for every service). Anything that is not a valid, unexpired token of ours is undefined.
 */
@Injectable()
export class AccessTokenInspector {
  constructor(
    private readonly keys: IssuerKeySource,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async verify(token: string): Promise<AccessTokenClaims | undefined> {
    if (token.length > MAX_TOKEN_LENGTH || !JWS_SHAPE.test(token)) return undefined;
    try {
      const { kid } = decodeProtectedHeader(token);
      const key = typeof kid === 'string' ? await this.keys.getKey(kid) : undefined;
      if (!key) return undefined;
      const { payload } = await jwtVerify(token, key.key, {
        algorithms: [key.alg],
        issuer: this.config.issuerUrl,
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: [...REQUIRED_ACCESS_TOKEN_CLAIMS],
        crit: {},
      });
      if (typeof payload.jti !== 'string' || typeof payload.sub !== 'string') return undefined;
      return { roles: [], scope: '', ...payload } as AccessTokenClaims;
    } catch {
      return undefined;
    }
  }
}
