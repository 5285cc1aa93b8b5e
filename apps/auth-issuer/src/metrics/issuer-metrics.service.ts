import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { AuditLog } from '../audit/audit-log.service';
import type { AuditEventType } from '../audit/audit-event.types';
import type { IssuedToken } from './issued-token';
import { METRICS_REGISTRY } from './metrics.tokens';

const LOGIN_OUTCOMES: Partial<Record<AuditEventType, string>> = { login_success: 'success', login_failure: 'failure', login_throttled: 'throttled' };

/**
 * The issuer's own series: tokens issued (by grant and algorithm, and by signing kid), logins by outcome,
 * refresh-token reuse detections and every audited security event by type (counted as the audit log writes them).
 */
@Injectable()
export class IssuerMetrics implements OnModuleInit {
  private readonly issued: Counter<'grant' | 'alg'>;
  private readonly signedByKid: Counter<'kid'>;
  private readonly logins: Counter<'outcome'>;
  private readonly reuse: Counter;
  private readonly events: Counter<'type'>;
  /** Tokens signed per kid since start, for the operator console. */
  private readonly kidTally = new Map<string, number>();

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly audit: AuditLog,
  ) {
    const registers = [registry];
    this.issued = new Counter({
      name: 'issuer_tokens_issued_total',
      help: 'Access tokens issued, by grant and signing algorithm',
      labelNames: ['grant', 'alg'],
      registers,
    });
    this.signedByKid = new Counter({ name: 'issuer_tokens_signed_by_kid_total', help: 'Access tokens issued, by signing key', labelNames: ['kid'], registers });
    this.logins = new Counter({ name: 'issuer_logins_total', help: 'Password logins by outcome', labelNames: ['outcome'], registers });
    this.reuse = new Counter({
      name: 'issuer_refresh_reuse_detected_total',
      help: 'Refresh tokens presented again after rotation (the family is revoked)',
      registers,
    });
    this.events = new Counter({ name: 'issuer_security_events_total', help: 'Audited security events by type', labelNames: ['type'], registers });
    for (const outcome of Object.values(LOGIN_OUTCOMES)) this.logins.inc({ outcome }, 0);
    this.reuse.inc(0);
  }

  onModuleInit(): void {
    this.audit.onEvent((type) => this.eventRecorded(type));
  }

  tokenIssued(token: IssuedToken): void {
    this.issued.inc({ grant: token.grant, alg: token.alg });
    this.signedByKid.inc({ kid: token.kid });
    this.kidTally.set(token.kid, (this.kidTally.get(token.kid) ?? 0) + 1);
  }

  signedPerKid(): Record<string, number> {
    return Object.fromEntries(this.kidTally);
  }

  private eventRecorded(type: AuditEventType): void {
    this.events.inc({ type });
    const outcome = LOGIN_OUTCOMES[type];
    if (outcome) this.logins.inc({ outcome });
    if (type === 'refresh_reuse') this.reuse.inc();
  }
}
