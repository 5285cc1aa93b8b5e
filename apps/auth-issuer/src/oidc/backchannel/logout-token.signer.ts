import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ISSUER_CONFIG, IssuerConfig } from '../../config/issuer.config';
import { IssuerError } from '../../errors/issuer.error';
import { SigningKeysService } from '../../keys/ring/signing-keys.service';

/** The one event a logout token carries (OpenID Back-Channel Logout 1.0 §2.4). */
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Long enough for the retries, short enough that a captured token is soon worthless. */
const LOGOUT_TOKEN_TTL_SECONDS = 120;

/**
 * Signs logout tokens with the ring's active key (the JWKS verifies them like ID tokens). `typ: logout+jwt`
 * (§2.4) keeps one from being taken for an ID token, and it never carries a nonce (§2.4: it must not).
 */
@Injectable()
export class LogoutTokenSigner {
  constructor(
    private readonly keys: SigningKeysService,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  async sign(content: { clientId: string; subject: string; sessionId: string }): Promise<string> {
    const signer = this.keys.current().signer;
    if (!signer) throw new IssuerError('temporarily_unavailable', 'no active signing key');
    const iat = Math.floor(Date.now() / 1000);
    return new SignJWT({ sid: content.sessionId, events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } })
      .setProtectedHeader({ alg: signer.alg, typ: 'logout+jwt', kid: signer.kid })
      .setIssuer(this.config.issuerUrl)
      .setSubject(content.subject)
      .setAudience(content.clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + LOGOUT_TOKEN_TTL_SECONDS)
      .setJti(randomUUID())
      .sign(signer.privateKey);
  }
}
