import { Injectable } from '@nestjs/common';
import { FIRST_PARTY_CLIENT_ID } from '@app/contract';
import { AuditLog } from '../audit/audit-log.service';
import type { ClientEntity } from '../clients/client.entity';
import { IssuerError } from '../errors/issuer.error';
import { looksLikeRefreshToken } from '../refresh/refresh-token.codec';
import { RefreshTokensService } from '../refresh/refresh-tokens.service';
import { RevocationWriter } from '../revocation/revocation.writer';
import { AccessTokenInspector } from './access-token.inspector';

/**
 * RFC 7009. A refresh token ends its whole family; an access token is denied until its exp.
 * Unknown, invalid and expired tokens succeed silently (§2.2). The token's shape tells the two
 * kinds apart, so `token_type_hint` can only ever be a hint (§2.1).
 */
@Injectable()
export class TokenRevocationService {
  constructor(
    private readonly refreshTokens: RefreshTokensService,
    private readonly inspector: AccessTokenInspector,
    private readonly revocation: RevocationWriter,
    private readonly audit: AuditLog,
  ) {}

  async revoke(token: string, client: ClientEntity | undefined): Promise<void> {
    const requester = client?.clientId ?? null;
    if (looksLikeRefreshToken(token)) {
      const grant = await this.refreshTokens.findGrant(token);
      if (!grant) return;
      assertOwner(grant.clientId, requester);
      await this.refreshTokens.revokeFamily(grant.familyId);
      await this.audit.record('token_revoked', grant.subject, { kind: 'refresh', family: grant.familyId, client_id: requester });
      return;
    }
    const claims = await this.inspector.verify(token);
    if (!claims) return;
    // First-party tokens name the first-party app (tokens minted before that carry no client_id).
    assertOwner(claims.client_id === FIRST_PARTY_CLIENT_ID ? null : (claims.client_id ?? null), requester);
    await this.revocation.denyAccessToken(claims.jti, claims.exp);
    await this.audit.record('token_revoked', claims.sub, { kind: 'access', jti: claims.jti, client_id: requester });
  }
}

/**
 * §2.1: the server checks that the token was issued to the requesting client. First-party tokens
 * (no client) are revoked by whoever holds them, as logout does; a client's tokens only by that client.
 */
function assertOwner(owner: string | null, requester: string | null): void {
  if (owner !== requester) throw new IssuerError('unauthorized_client', 'the token was not issued to this client');
}
