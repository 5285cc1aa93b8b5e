import { Inject, Injectable } from '@nestjs/common';
import type { TokenResponse } from '@app/contract';
import { AuditLog } from '../audit/audit-log.service';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import { IssuerError } from '../errors/issuer.error';
import { TokenIssuer } from '../tokens/token-issuer.service';
import { PasswordHasher } from '../users/password.hasher';
import type { UserEntity } from '../users/user.entity';
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
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
  ) {}

  /**
   * Without `resource`: a session (access token for the services plus refresh token). With `resource`
   * set to the admin audience: a short admin-API token for a user with role admin, nothing else.
   */
  async login({ username, password, resource }: LoginRequest): Promise<TokenResponse> {
    // Checked before the password: which resources exist is no secret, and a bad one costs no argon2 run.
    if (resource !== undefined && resource !== this.config.adminAudience) throw new IssuerError('invalid_target', 'unknown resource');
    const user = await this.authenticate(username, password);
    if (resource !== undefined) return this.adminLogin(user);
    await this.audit.record('login_success', user.id);
    return this.tokens.startSession(user);
  }

  /**
   * The user these credentials prove, or `invalid_credentials` (audited) for every kind of failure alike.
   * The hosted sign-in page (OpenID Connect) checks passwords here too, under the same LoginThrottle.
   */
  async authenticate(username: string, password: string): Promise<UserEntity> {
    const user = await this.users.findByUsername(username);
    const passwordOk = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !passwordOk || user.disabled) {
      await this.audit.record('login_failure', user?.id ?? null, { reason: !user ? 'unknown_user' : user.disabled ? 'disabled' : 'bad_password' });
      throw new IssuerError('invalid_credentials', 'invalid username or password');
    }
    return user;
  }

  private async adminLogin(user: UserEntity): Promise<TokenResponse> {
    if (!user.roles.includes('admin')) {
      await this.audit.record('login_failure', user.id, { reason: 'admin_resource_without_role' });
      throw new IssuerError('invalid_target', 'this user may not obtain tokens for that resource');
    }
    await this.audit.record('login_success', user.id, { resource: 'admin' });
    return this.tokens.adminToken(user);
  }
}
