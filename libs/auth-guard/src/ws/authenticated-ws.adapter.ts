import type { RedisClient } from '@app/platform';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { AccessTokenClaims } from '@app/contract';
import { redisKeys } from '@app/contract';
import { RESOLVED_OPTIONS, REVOCATION_REDIS } from '../auth-guard.constants';
import type { ResolvedGuardOptions } from '../auth-guard.module-definition';
import { realmOf } from '../auth-guard.options.resolve';
import { GuardMetrics } from '../guard/guard.metrics';
import { refusalFor } from '../http/refusal';
import { Logger } from '../log/logger';
import { RevocationChecker } from '../revocation/revocation.checker';
import { attachClaims } from '../rpc/connection-claims';
import { AccessTokenVerifier } from '../verify/access-token.verifier';
import { VerificationError, VerificationFailure } from '../verify/verification.error';
import { ConnectionWatch, POLICY_VIOLATION, WatchedSocket } from './connection-watch';
import { extractHandshakeToken, selectProtocol } from './handshake-token';

type VerifyCallback = (result: boolean, code?: number, message?: string, headers?: Record<string, string>) => void;
interface Admitted {
  claims: AccessTokenClaims;
  kid?: string;
}

/**
 * @nestjs/platform-ws's adapter with the guard at the door: the upgrade is refused (401 + challenge, or 503) unless the
 * handshake carries a valid, unrevoked token, checked by the same verifier and revocation store as every route. An open
 * connection closes with 1008 when its token expires or is revoked (ConnectionWatch). Gateways read the caller with
 * @CurrentUser(); @Roles/@Scopes on @SubscribeMessage handlers are enforced by the global guard.
 *
 * @example app.useWebSocketAdapter(new AuthenticatedWsAdapter(app));
 */
export class AuthenticatedWsAdapter extends WsAdapter {
  private readonly admitted = new WeakMap<IncomingMessage, Admitted>();
  private readonly log = new Logger('AuthenticatedWsAdapter');
  private readonly verifier: AccessTokenVerifier;
  private readonly options: ResolvedGuardOptions;
  private readonly metrics: GuardMetrics;
  private readonly revocation?: RevocationChecker;
  private readonly redis: RedisClient | null;
  private watch?: ConnectionWatch;

  constructor(app: INestApplicationContext) {
    super(app);
    // strict: false finds the guard module's providers wherever AuthGuardModule was imported.
    this.verifier = app.get(AccessTokenVerifier, { strict: false });
    this.options = app.get(RESOLVED_OPTIONS, { strict: false });
    this.metrics = app.get(GuardMetrics, { strict: false });
    this.revocation = app.get(RevocationChecker, { strict: false }) ?? undefined;
    this.redis = app.get(REVOCATION_REDIS, { strict: false });
  }

  override create(port: number, options: Parameters<WsAdapter['create']>[1] = {}): ReturnType<WsAdapter['create']> {
    if (!this.watch) {
      // Revocation push needs Redis; without it (no revocation configured) connections still close at exp.
      const subscriber = this.redis?.duplicate() ?? null;
      this.watch = new ConnectionWatch(subscriber ?? inertSubscriber(), redisKeys(this.options.redisPrefix).events, this.revocation, this.options.now);
      void this.watch.start();
    }
    return super.create(port, {
      ...options,
      verifyClient: (info: { req: IncomingMessage }, done: VerifyCallback) => void this.verifyHandshake(info.req, done),
      handleProtocols: selectProtocol,
    });
  }

  override bindClientConnect(server: WebSocketServer, callback: (client: WebSocket, request: IncomingMessage) => void): void {
    server.on('connection', (client: WebSocket & WatchedSocket, request: IncomingMessage) => {
      const admitted = this.admitted.get(request);
      // Every upgrade passes verifyClient first; a connection without a record did not (e.g. a server built elsewhere).
      if (!admitted) return client.close(POLICY_VIOLATION, 'unauthenticated');
      this.admitted.delete(request);
      attachClaims(client, admitted.claims);
      forwardExceptions(client);
      this.watch!.track(client, admitted.claims, admitted.kid);
      callback(client, request);
    });
  }

  override async dispose(): Promise<void> {
    await this.watch?.stop();
    await super.dispose();
  }

  private async verifyHandshake(request: IncomingMessage, done: VerifyCallback): Promise<void> {
    const token = extractHandshakeToken(request);
    if (!token) return this.refuse(token === undefined ? 'ERR_TOKEN_MISSING' : 'ERR_TOKEN_MALFORMED', done);
    let claims: AccessTokenClaims;
    try {
      claims = await this.verifier.verify(token);
      await this.revocation?.assertNotRevoked(claims);
    } catch (error) {
      const code = error instanceof VerificationError ? error.code : 'ERR_TOKEN_MALFORMED';
      this.log.debug(`handshake refused: ${error instanceof Error ? error.message : code}`);
      return this.refuse(code, done);
    }
    this.admitted.set(request, { claims, kid: kidOf(token) });
    this.metrics.increment('accepted');
    done(true);
  }

  /** The HTTP refusal table (http/refusal.ts) on the upgrade response: the same 401/503 and challenge as any route. */
  private refuse(code: VerificationFailure, done: VerifyCallback): void {
    this.metrics.increment(code);
    const refusal = refusalFor(code, { realm: realmOf(this.options), retryAfterSeconds: this.options.retryAfterSeconds });
    done(false, refusal.status, refusal.body.message, refusal.headers);
  }
}

/**
 * Nest's exception filter reports a refused message with `client.emit('exception', …)`, which on a raw ws socket is a
 * local event no peer ever sees; send it as the `{ event: 'exception', data }` frame platform-ws clients read.
 */
function forwardExceptions(client: WebSocket): void {
  client.on('exception', (data: unknown) => {
    if (client.readyState === 1) client.send(JSON.stringify({ event: 'exception', data }));
  });
}

/** The verified token's header `kid`, to close its connections if the key is revoked. */
function kidOf(token: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as { kid?: unknown } | null;
    const kid = header?.kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

/** A subscriber that never hears anything, for guards configured without Redis. */
function inertSubscriber(): RedisClient {
  const noop = () => undefined;
  return { on: noop, removeAllListeners: noop, disconnect: noop, status: 'end' } as unknown as RedisClient;
}
