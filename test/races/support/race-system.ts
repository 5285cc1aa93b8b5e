import { Client } from 'pg';
import { call, decodeJwt, login } from '../../support/http';
import { basic, createClient } from '../../support/oauth-clients';
import { TEST_REDIS_URL } from '../../support/test-stores';
import { ProcessSystem } from '../../faults/support/process-system';
import { RefreshChain } from './refresh-chain';

export interface Session {
  access_token: string;
  refresh_token: string;
  sid: string;
}

/** The product as deployed (three `node dist/...` processes) plus what a race test needs to judge it. */
export class RaceSystem {
  private constructor(
    readonly processes: ProcessSystem,
    readonly db: Client,
    private readonly introspector: { id: string; secret: string },
  ) {}

  static async start(): Promise<RaceSystem> {
    const processes = await ProcessSystem.start({ redisUrl: TEST_REDIS_URL });
    try {
      const db = new Client({ connectionString: processes.databaseUrl });
      await db.connect();
      const introspector = await createClient(processes.databaseUrl, 'race-introspector', 'orders:read', 'orders-api');
      return new RaceSystem(processes, db, introspector);
    } catch (error) {
      await processes.stop();
      throw error;
    }
  }

  get issuerUrl(): string {
    return this.processes.issuer.url;
  }

  async stop(): Promise<void> {
    await this.db.end().catch(() => undefined);
    await this.processes.stop();
  }

  async login(username = 'alice', password = `${username}-password`): Promise<Session> {
    const session = await login(this.issuerUrl, username, password);
    return { ...session, sid: decodeJwt(session.access_token).payload.sid };
  }

  chain(session: Session, revoked: () => boolean, path: 'auth' | 'oauth' = 'auth'): RefreshChain {
    return new RefreshChain(this.issuerUrl, session.refresh_token, revoked, path).start();
  }

  /** Where `token` is still honoured: each resource service's /me, and RFC 7662 introspection. */
  async acceptedAt(token: string): Promise<string[]> {
    const [orders, billing, introspection] = await Promise.all([
      call('GET', `${this.processes.orders.url}/me`, { token }),
      call('GET', `${this.processes.billing.url}/me`, { token }),
      call('POST', `${this.issuerUrl}/oauth/introspect`, { form: { token }, headers: basic(this.introspector.id, this.introspector.secret) }),
    ]);
    const accepted: string[] = [];
    if (orders.status === 200) accepted.push('orders-api');
    if (billing.status === 200) accepted.push('billing-api');
    if (introspection.body?.active === true) accepted.push('introspection');
    return accepted;
  }

  /** Refresh tokens of these families that PostgreSQL would still rotate. */
  async liveRefreshTokens(families: string[]): Promise<number> {
    const { rows } = await this.db.query('SELECT count(*)::int AS n FROM refresh_tokens WHERE family_id = ANY($1::uuid[]) AND revoked_at IS NULL', [families]);
    return rows[0].n;
  }

  /**
   * Zero survivors: no refresh that left after the revocation answered got a pair, the last refresh token
   * each chain holds is refused, no access token the chains were handed is honoured anywhere, and no
   * refresh token of the families is live in the database (the Redis `sid` entry expires; the rows do not).
   */
  async survivors(chains: RefreshChain[], families: string[]): Promise<Record<string, unknown>> {
    const found: Record<string, unknown> = {};
    const late = chains.map((c) => c.survivingSteps.length).reduce((a, b) => a + b, 0);
    if (late > 0) found.refreshesAfterRevocation = late;
    const lastRefusals = await Promise.all(chains.map((c) => call('POST', `${this.issuerUrl}/auth/refresh`, { json: { refresh_token: c.refreshToken } })));
    const liveLast = lastRefusals.filter((r) => r.status !== 400 || r.body?.error !== 'invalid_grant').length;
    if (liveLast > 0) found.lastRefreshTokensNotRefused = liveLast;
    const accepted: string[] = [];
    for (const chain of chains) {
      for (const token of chain.accessTokens) {
        const where = await this.acceptedAt(token);
        if (where.length > 0) accepted.push(`${decodeJwt(token).payload.jti} at ${where.join(', ')}`);
      }
    }
    if (accepted.length > 0) found.accessTokensHonoured = accepted;
    const live = await this.liveRefreshTokens(families);
    if (live > 0) found.liveRefreshTokenRows = live;
    return found;
  }
}
