import type { RedisClient } from '@app/platform';
import { decodeIssuerEvent } from '@app/contract';
import type { AccessTokenClaims } from '@app/contract';
import { Logger } from '../log/logger';
import type { RevocationChecker } from '../revocation/revocation.checker';

/** RFC 6455 §7.4.1: the endpoint closes because a message (here: the connection's credential) violates its policy. */
export const POLICY_VIOLATION = 1008;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface WatchedSocket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

interface Watched {
  socket: WatchedSocket;
  claims: AccessTokenClaims;
  kid?: string;
  timer?: NodeJS.Timeout;
}

/**
 * Keeps authenticated WebSocket connections honest after the handshake: each closes with 1008 at its token's `exp`,
 * and at once when the issuer announces the token revoked (logout ends the session, a denied jti, log-out-everywhere,
 * a revoked signing key), pushed over the issuer's events channel. Redis pub/sub does not replay: every (re)subscription
 * re-checks every open connection against the revocation store, so a revocation missed while disconnected still closes it.
 */
export class ConnectionWatch {
  private readonly watched = new Set<Watched>();
  private readonly logger = new Logger('ConnectionWatch');
  private stopped = false;

  constructor(
    private readonly subscriber: RedisClient,
    private readonly channel: string,
    private readonly revocation?: RevocationChecker,
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.handle(message);
    });
    this.subscriber.on('ready', () => void this.subscribe());
    // Errors surface through reconnects; an unhandled 'error' would crash the process.
    this.subscriber.on('error', () => undefined);
    if ((this.subscriber as { status?: string }).status === 'ready') await this.subscribe();
  }

  track(socket: WatchedSocket, claims: AccessTokenClaims, kid?: string): void {
    const entry: Watched = { socket, claims, kid };
    const delay = claims.exp * 1000 - this.now();
    if (delay <= 0) return socket.close(POLICY_VIOLATION, 'token expired');
    entry.timer = setTimeout(() => this.close(entry, 'token expired'), Math.min(delay, MAX_TIMER_MS));
    this.watched.add(entry);
    socket.once('close', () => this.forget(entry));
  }

  /** Applies one issuer event; anything unrecognised is ignored. */
  handle(raw: string): void {
    // The one codec both sides share: anything it refuses is ignored.
    const event = decodeIssuerEvent(raw);
    if (!event) return;
    const revoked = (claims: AccessTokenClaims, kid?: string): boolean => {
      switch (event.type) {
        case 'session-ended':
          return claims.sid === event.sid;
        case 'token-denied':
          return claims.jti === event.jti;
        case 'subject-cutoff':
          return claims.sub === event.sub && claims.iat <= event.at;
        case 'key-revoked':
          return kid === event.kid;
        default:
          return false;
      }
    };
    for (const entry of [...this.watched]) if (revoked(entry.claims, entry.kid)) this.close(entry, 'token revoked');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.watched) clearTimeout(entry.timer);
    this.watched.clear();
    this.subscriber.removeAllListeners('ready');
    this.subscriber.disconnect();
  }

  private async subscribe(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.subscriber.subscribe(this.channel);
    } catch (error) {
      this.logger.warn(`cannot subscribe to ${this.channel}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    await this.resync();
  }

  /** Closes every open connection the store now refuses (revoked while we were not listening). Store errors keep it open. */
  private async resync(): Promise<void> {
    if (!this.revocation) return;
    for (const entry of [...this.watched]) {
      await this.revocation.assertNotRevoked(entry.claims).catch((error: { code?: string }) => {
        if (error?.code === 'ERR_TOKEN_REVOKED') this.close(entry, 'token revoked');
      });
    }
  }

  private close(entry: Watched, reason: string): void {
    this.forget(entry);
    entry.socket.close(POLICY_VIOLATION, reason);
  }

  private forget(entry: Watched): void {
    clearTimeout(entry.timer);
    this.watched.delete(entry);
  }
}
