import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { jwksOf, LocalKey } from './local-key';
import { TestKeySet } from './test-key-set';

export type FakeIssuerMode = 'up' | 'error' | 'hang';

/** What a fake issuer publishes: single keys, or key sets read at every request (so a rotation shows at once). */
export type PublishedKeys = LocalKey | TestKeySet;

export interface FakeTokenEndpoint {
  (request: { headers: IncomingMessage['headers']; form: URLSearchParams }): { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;
}

/**
 * A stand-in issuer over real HTTP on a free loopback port: discovery, a JWKS with ETag/304 that counts its
 * fetches, and an optional token endpoint. It can answer errors, hang, or stop listening altogether
 * (connection refused) and come back.
 *
 * @example
 * const issuer = await FakeIssuer.start();
 * const keys = TestKeySet.generate({ issuer: issuer.url, audience: 'reports-api' });
 * issuer.publish(keys); // its JWKS lists keys.jwks(), rotations included
 * issuer.fail();    // 503 on every path
 * issuer.stall();   // accepts and never answers
 * issuer.recover();
 */
export class FakeIssuer {
  jwksFetches = 0;
  discoveryFetches = 0;
  tokenRequests = 0;
  mode: FakeIssuerMode = 'up';
  private sources: PublishedKeys[] = [];
  /** Overrides the JWKS body (raw), e.g. to serve garbage. */
  rawJwks?: string;
  tokenEndpoint?: FakeTokenEndpoint;
  private readonly sockets = new Set<Socket>();
  private server: Server;
  private port = 0;

  private constructor() {
    this.server = this.createServer();
  }

  static async start(...keys: PublishedKeys[]): Promise<FakeIssuer> {
    const issuer = new FakeIssuer();
    issuer.sources = keys;
    await issuer.listen(0);
    return issuer;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get jwksUrl(): string {
    return `${this.url}/.well-known/jwks.json`;
  }

  /** The keys the JWKS lists right now. */
  get published(): LocalKey[] {
    return this.sources.flatMap((source) => (source instanceof TestKeySet ? source.keys : [source]));
  }

  /** Replaces what the JWKS lists (a rotation, or a key withdrawn). */
  publish(...keys: PublishedKeys[]): void {
    this.sources = keys;
  }

  /** Every request gets 503 until `recover()`. */
  fail(): void {
    this.mode = 'error';
  }

  /** Every request is accepted and never answered until `recover()` (the guard's fetch timeout fires). */
  stall(): void {
    this.mode = 'hang';
  }

  recover(): void {
    this.mode = 'up';
  }

  /** Stops listening and cuts every connection: the guard sees connection refused. */
  async goDown(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async comeBack(): Promise<void> {
    this.server = this.createServer();
    await this.listen(this.port);
  }

  async stop(): Promise<void> {
    if (this.server.listening) await this.goDown();
    else for (const socket of this.sockets) socket.destroy();
  }

  private createServer(): Server {
    const server = createServer((request, response) => void this.handle(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        const address = this.server.address();
        this.port = typeof address === 'object' && address ? address.port : port;
        resolve();
      });
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (path === '/.well-known/jwks.json') this.jwksFetches += 1;
    if (path === '/.well-known/openid-configuration') this.discoveryFetches += 1;
    if (this.mode === 'hang') return;
    if (this.mode === 'error') return void response.writeHead(503).end();
    if (path === '/.well-known/openid-configuration') {
      return json(response, 200, { issuer: this.url, jwks_uri: this.jwksUrl, token_endpoint: `${this.url}/oauth/token` });
    }
    if (path === '/.well-known/jwks.json') {
      const body = this.rawJwks ?? JSON.stringify(jwksOf(...this.published));
      const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
      if (request.headers['if-none-match'] === etag) return void response.writeHead(304, { etag }).end();
      return void response.writeHead(200, { 'content-type': 'application/json', etag, 'cache-control': 'public, max-age=60' }).end(body);
    }
    if (path === '/oauth/token' && request.method === 'POST' && this.tokenEndpoint) {
      this.tokenRequests += 1;
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const result = await this.tokenEndpoint({ headers: request.headers, form: new URLSearchParams(Buffer.concat(chunks).toString()) });
      return json(response, result.status, result.body);
    }
    json(response, 404, { error: 'not_found' });
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}
