import { Injectable } from '@nestjs/common';
import type { ClientEntity } from '../clients/client.entity';
import { RevocationReader } from '../revocation/revocation.reader';
import { AccessTokenInspector } from './access-token.inspector';

export type IntrospectionResponse = { active: false } | ({ active: true; token_type: 'Bearer' } & Record<string, unknown>);

const INACTIVE: IntrospectionResponse = { active: false };

/**
 * RFC 7662 for access tokens. Invalid, expired, denied or cut-off tokens are `{active:false}`, and so is
 * any token the asking client has no business seeing (§4): one neither issued to it nor meant for a
 * service it may call. Refresh tokens are never disclosed: they belong to the client that holds them.
 */
@Injectable()
export class TokenIntrospectionService {
  constructor(
    private readonly inspector: AccessTokenInspector,
    private readonly revocation: RevocationReader,
  ) {}

  async introspect(token: string, client: ClientEntity): Promise<IntrospectionResponse> {
    const claims = await this.inspector.verify(token);
    if (!claims) return INACTIVE;
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const visible = claims.client_id === client.clientId || audiences.some((aud) => client.allowedAudiences.includes(aud));
    if (!visible) return INACTIVE;
    if (await this.revocation.isRevoked(claims)) return INACTIVE;
    const { scope, client_id, sub, aud, iss, exp, iat, jti, roles, act } = claims;
    // act (RFC 8693 §4.1): who acts for the subject, so introspecting services see delegation too.
    return { active: true, token_type: 'Bearer', scope, ...(client_id ? { client_id } : {}), sub, aud, iss, exp, iat, jti, roles, ...(act ? { act } : {}) };
  }
}
