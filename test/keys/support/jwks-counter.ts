import { createServer, Server } from 'node:http';

/**
 * A reverse proxy for the issuer's JWKS that counts requests per path prefix, so a test sees exactly
 * how often each resource service fetched keys over the network, and can cut them off from it.
 */
export class JwksCounter {
  private readonly counts = new Map<string, number>();
  private server?: Server;
  private blocked = false;
  url = '';

  constructor(private readonly issuerUrl: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const name = (req.url ?? '/').split('/')[1] ?? '';
      this.counts.set(name, this.count(name) + 1);
      if (this.blocked) return void res.writeHead(503).end();
      const headers: Record<string, string> = {};
      if (req.headers['if-none-match']) headers['if-none-match'] = String(req.headers['if-none-match']);
      fetch(`${this.issuerUrl}/.well-known/jwks.json`, { headers })
        .then(async (upstream) => {
          const out: Record<string, string> = {};
          for (const h of ['content-type', 'cache-control', 'etag']) if (upstream.headers.get(h)) out[h] = upstream.headers.get(h)!;
          res.writeHead(upstream.status, out).end(Buffer.from(await upstream.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** While blocked, every JWKS request is counted and answered 503 (the issuer unreachable for verifiers). */
  block(blocked: boolean): void {
    this.blocked = blocked;
  }

  jwksUrl(name: string): string {
    return `${this.url}/${name}/jwks.json`;
  }

  count(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
