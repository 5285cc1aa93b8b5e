import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../audit/audit-log.service';
import { deliverLogoutToken } from './backchannel-delivery';
import { LogoutTokenSigner } from './logout-token.signer';

/** The longest a logout response waits for the deliveries it started; they go on in the background after. */
const LOGOUT_RESPONSE_WAIT_MS = 1000;
/** How long a shutdown waits for deliveries still under way. */
const SHUTDOWN_WAIT_MS = 3000;

export interface EndedSession {
  id: string;
  subject: string;
}

interface Receiver {
  session_id: string;
  client_id: string;
  backchannel_logout_uri: string;
}

const within = (promise: Promise<unknown>, ms: number) => Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms).unref())]);

/**
 * OpenID Back-Channel Logout 1.0: when SSO sessions end, every client that took part in one (a grant under it)
 * and registered a back-channel logout URI gets a logout token naming the session (`sid`) and the user (`sub`).
 * Called after the ending is committed. Failures are logged by client id and counted as the audit event
 * `backchannel_logout_failed`; a token is never logged.
 */
@Injectable()
export class BackChannelLogout implements OnApplicationShutdown {
  private readonly logger = new Logger('BackChannelLogout');
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signer: LogoutTokenSigner,
    private readonly audit: AuditLog,
  ) {}

  /** Starts the deliveries; `done` settles when all are over (delivered or given up). */
  private async start(sessions: readonly EndedSession[]): Promise<{ done: Promise<void> }> {
    if (sessions.length === 0) return { done: Promise.resolve() };
    const receivers: Receiver[] = await this.dataSource.query(
      `SELECT DISTINCT g.session_id::text AS session_id, c.client_id, c.backchannel_logout_uri
         FROM sso_session_grants g JOIN clients c ON c.client_id = g.client_id
        WHERE g.session_id = ANY($1::uuid[]) AND c.backchannel_logout_uri IS NOT NULL AND NOT c.disabled`,
      [sessions.map((session) => session.id)],
    );
    const subjects = new Map(sessions.map((session) => [session.id, session.subject]));
    return {
      done: Promise.all(receivers.map((receiver) => this.track(this.deliver(receiver, subjects.get(receiver.session_id) ?? '')))).then(() => undefined),
    };
  }

  /** Ends sessions' notifications without holding the caller longer than the short bound. */
  async notify(sessions: readonly EndedSession[]): Promise<void> {
    try {
      await within((await this.start(sessions)).done, LOGOUT_RESPONSE_WAIT_MS);
    } catch (error) {
      // The logout itself is done; a failure to look up or sign is logged, never the user's problem.
      this.logger.warn(`back-channel logout not sent: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await within(Promise.allSettled([...this.inFlight]), SHUTDOWN_WAIT_MS);
  }

  private track(delivery: Promise<void>): Promise<void> {
    this.inFlight.add(delivery);
    return delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async deliver(receiver: Receiver, subject: string): Promise<void> {
    const clientId = receiver.client_id;
    try {
      const token = await this.signer.sign({ clientId, subject, sessionId: receiver.session_id });
      const result = await deliverLogoutToken(receiver.backchannel_logout_uri, token);
      if (result.ok) {
        this.logger.debug(`back-channel logout delivered to ${clientId} (attempt ${result.attempts})`);
        return;
      }
      this.logger.warn(`back-channel logout to ${clientId} failed after ${result.attempts} attempt(s): ${result.reason}`);
      await this.audit.record('backchannel_logout_failed', subject || null, {
        client_id: clientId,
        sso_session: receiver.session_id,
        attempts: result.attempts,
        reason: result.reason,
      });
    } catch (error) {
      this.logger.warn(`back-channel logout to ${clientId} failed: ${error instanceof Error ? error.name : 'error'}`);
    }
  }
}
