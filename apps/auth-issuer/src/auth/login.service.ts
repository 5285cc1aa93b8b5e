import { Injectable } from '@nestjs/common';
import type { TokenResponse } from '@app/contract';
import { AuditLog } from '../audit/audit-log.service';
import { IssuerError } from '../errors/issuer.error';
import { TokenIssuer } from '../tokens/token-issuer.service';
import { PasswordHasher } from '../users/password.hasher';
import { UsersService } from '../users/users.service';
import type { LoginRequest } from './auth.requests';

/**
 * Password login. Unknown user, wrong password and disabled user take the same path
 * (one argon2 verify each) and end in the same error, so neither body nor timing tells them apart.
 */
@Injectable()
export class LoginService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenIssuer,
    private readonly audit: AuditLog,
  ) {}

  async login({ username, password }: LoginRequest): Promise<TokenResponse> {
    const user = await this.users.findByUsername(username);
    const passwordOk = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !passwordOk || user.disabled) {
      await this.audit.record('login_failure', user?.id ?? null, { reason: !user ? 'unknown_user' : user.disabled ? 'disabled' : 'bad_password' });
      throw new IssuerError('invalid_credentials', 'invalid username or password');
    }
    await this.audit.record('login_success', user.id);
    return this.tokens.startSession(user);
  }
}
