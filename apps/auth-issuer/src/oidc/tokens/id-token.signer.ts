import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { IssuerError } from '../../errors/issuer.error';
import { SigningKeysService } from '../../keys/ring/signing-keys.service';

export interface IdTokenContent {
  sub: string;
  clientId: string;
  authTime: Date;
  sessionId: string;
  nonce?: string | null;
  accessToken: string;
}

/** The hash the `at_hash` of each algorithm uses (OpenID Connect Core §3.1.3.6; Ed25519 pairs with SHA-512). */
const AT_HASH: Record<string, string> = { RS256: 'sha256', ES256: 'sha256', EdDSA: 'sha512' };

/** at_hash: base64url of the left half of the access token's hash. */
function atHash(accessToken: string, alg: string): string {
  const digest = createHash(AT_HASH[alg] ?? 'sha256')
    .update(accessToken, 'ascii')
    .digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** Signs ID tokens (OpenID Connect Core §2) with the ring's active key, the same one access tokens use. */
@Injectable()
export class IdTokenSigner {
  constructor(
    private readonly keys: SigningKeysService,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async sign(content: IdTokenContent): Promise<string> {
    const signer = this.keys.current().signer;
    if (!signer) throw new IssuerError('temporarily_unavailable', 'no active signing key');
    const iat = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      auth_time: Math.floor(content.authTime.getTime() / 1000),
      sid: content.sessionId,
      at_hash: atHash(content.accessToken, signer.alg),
    };
    if (content.nonce) claims.nonce = content.nonce;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: signer.alg, typ: 'JWT', kid: signer.kid })
      .setIssuer(this.config.issuerUrl)
      .setSubject(content.sub)
      .setAudience(content.clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.config.accessTokenTtl)
      .sign(signer.privateKey);
  }
}
