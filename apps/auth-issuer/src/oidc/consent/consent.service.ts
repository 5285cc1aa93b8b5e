import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../audit/audit-log.service';
import type { ClientEntity } from '../../clients/client.entity';
import { ConsentEntity } from './consent.entity';

/**
 * Consent to non-first-party clients, server-side: an authorization asking for the same or fewer scopes than
 * the user allowed that client before goes through without the page; more scopes, or prompt=consent, ask again.
 */
@Injectable()
export class ConsentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  /** Whether the user must be asked: never for a first-party client; always when the app asks (prompt=consent). */
  async mustAsk(subject: string, client: ClientEntity, scopes: readonly string[], forced: boolean): Promise<boolean> {
    if (client.firstParty) return false;
    if (forced) return true;
    const consent = await this.dataSource.getRepository(ConsentEntity).findOneBy({ subject, clientId: client.clientId });
    return !consent || !scopes.every((scope) => consent.scopes.includes(scope));
  }

  /**
   * Records "Allow". One statement, so two concurrent posts leave one row holding the union of both scope sets
   * (the primary key serialises them; the second merges into the first).
   */
  async grant(subject: string, clientId: string, scopes: readonly string[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO oidc_consents (subject, client_id, scopes, granted_at, updated_at) VALUES ($1, $2, $3::text[], now(), now())
       ON CONFLICT (subject, client_id) DO UPDATE
         SET scopes = ARRAY(SELECT DISTINCT s FROM unnest(oidc_consents.scopes || EXCLUDED.scopes) AS s ORDER BY s), updated_at = now()`,
      [subject, clientId, [...scopes]],
    );
    await this.audit.record('consent_granted', subject, { client_id: clientId, scope: scopes.join(' ') });
  }
}
