import { Injectable, OnModuleInit } from '@nestjs/common';
import { SessionService } from '../../auth/session.service';
import { SsoSessionService } from './sso-session.service';

/**
 * /auth/logout-all ends the user's issuer SSO sessions too (an SSO session belongs to one user): otherwise the
 * browser could sign straight back in to every app, and the apps would hear nothing (back-channel logout).
 */
@Injectable()
export class SsoLogoutEverywhere implements OnModuleInit {
  constructor(
    private readonly userSessions: SessionService,
    private readonly sso: SsoSessionService,
  ) {}

  onModuleInit(): void {
    this.userSessions.onLogoutEverywhere((sub) => this.sso.endAllFor(sub, 'logout_everywhere'));
  }
}
