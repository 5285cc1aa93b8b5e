import { createHash, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

export interface ExampleAppOptions {
  issuerUrl: string;
  port: number;
  clientId: string;
  secret?: string;
  /** A service the app calls with the user's access token, to show whether it is still accepted. */
  serviceUrl: string;
}

/**
 * A tiny relying party, as a team's internal web app would be: `/` starts the code flow (PKCE, state, nonce),
 * `/callback` redeems the code server-side, `/me` calls a service with the token, `/logout` is RP-initiated
 * logout. State lives in memory; the page shows who is signed in.
 */
export class ExampleApp {
  private server?: Server;
  private readonly pending = new Map<string, string>();
  tokens?: { access_token: string; id_token: string };

  constructor(private readonly options: ExampleAppOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res).catch((e) => this.page(res, 500, `error: ${String(e)}`)));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port, '127.0.0.1', resolve);
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const { issuerUrl, clientId } = this.options;
    if (url.pathname === '/' && url.searchParams.get('state') === 'signed-out') return this.page(res, 200, `Signed out of ${clientId}`);
    if (url.pathname === '/') {
      const verifier = randomBytes(32).toString('base64url');
      const state = randomBytes(16).toString('base64url');
      this.pending.set(state, verifier);
      const authorize = new URL(`${issuerUrl}/oauth/authorize`);
      authorize.search = new URLSearchParams({
        client_id: clientId,
        redirect_uri: `${this.url}/callback`,
        response_type: 'code',
        scope: 'openid profile',
        state,
        nonce: randomBytes(16).toString('base64url'),
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      return this.redirect(res, authorize.toString());
    }
    if (url.pathname === '/callback') {
      const verifier = this.pending.get(url.searchParams.get('state') ?? '');
      const code = url.searchParams.get('code');
      if (!verifier || !code) return this.page(res, 400, `Sign-in failed: ${url.searchParams.get('error') ?? 'bad state'}`);
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: `${this.url}/callback`, code_verifier: verifier };
      if (this.options.secret) headers.authorization = `Basic ${Buffer.from(`${clientId}:${this.options.secret}`).toString('base64')}`;
      else form.client_id = clientId;
      const response = await fetch(`${issuerUrl}/oauth/token`, { method: 'POST', headers, body: new URLSearchParams(form) });
      if (response.status !== 200) return this.page(res, 502, `Token exchange failed: ${response.status}`);
      this.tokens = (await response.json()) as { access_token: string; id_token: string };
      const info = (await (await fetch(`${issuerUrl}/oidc/userinfo`, { headers: { authorization: `Bearer ${this.tokens.access_token}` } })).json()) as {
        preferred_username?: string;
      };
      return this.page(res, 200, `Signed in to ${clientId} as ${info.preferred_username}`);
    }
    if (url.pathname === '/me') {
      const me = await fetch(`${this.options.serviceUrl}/me`, { headers: { authorization: `Bearer ${this.tokens?.access_token ?? ''}` } });
      return this.page(res, 200, `service answered ${me.status}`);
    }
    if (url.pathname === '/logout' && this.tokens) {
      const logout = new URL(`${issuerUrl}/oidc/logout`);
      logout.search = new URLSearchParams({ id_token_hint: this.tokens.id_token, post_logout_redirect_uri: `${this.url}/`, state: 'signed-out' }).toString();
      return this.redirect(res, logout.toString());
    }
    this.page(res, 404, 'not found');
  }

  private redirect(res: ServerResponse, location: string): void {
    res.writeHead(302, { location }).end();
  }

  private page(res: ServerResponse, status: number, message: string): void {
    res
      .writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><title>${this.options.clientId}</title><h1 id="status">${message.replace(/</g, '&lt;')}</h1>`);
  }
}
