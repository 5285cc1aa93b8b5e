import { Injectable } from '@nestjs/common';
import type { TokenResponse } from '@app/contract';
import { SessionService } from '../auth/session.service';
import type { ClientEntity } from '../clients/client.entity';
import { parseScopeParameter } from '../clients/client.rules';
import type { OAuthForm } from './oauth.form';

/**
 * RFC 6749 §6, with the same rotation and reuse detection as /auth/refresh. A first-party token
 * (client_id NULL) is refreshed without client authentication; a client-bound one only by its client.
 */
@Injectable()
export class RefreshTokenGrant {
  constructor(private readonly sessions: SessionService) {}

  issue(form: OAuthForm, client: ClientEntity | undefined): Promise<TokenResponse> {
    const refreshToken = form.require('refresh_token');
    const scope = form.get('scope');
    return this.sessions.refresh(refreshToken, { clientId: client?.clientId ?? null, scope: scope === undefined ? undefined : parseScopeParameter(scope) });
  }
}
