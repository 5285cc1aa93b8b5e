import { createServer, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type JwksMode = 'proxy' | 'status-500' | 'garbage' | 'html' | 'empty-keys' | 'private-keys' | 'huge' | 'hang' | 'reset';

/**
 * Stands between guards and the issuer's JWKS: passes it through, or misbehaves on demand
 * the way a broken or hijacked issuer might.
 */
export class JwksFront {
  mode: JwksMode = 'proxy';
  hits = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly upstream: string,
  ) {}

  static async start(upstreamJwksUrl: string): Promise<JwksFront> {
    let front: JwksFront | undefined;
    const server = createServer((req, res) => void front?.handle(res));
    server.on('connection', (socket) => {
      front?.sockets.add(socket);
      socket.on('close', () => front?.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    front = new JwksFront(server, `http://127.0.0.1:${port}/jwks.json`, upstreamJwksUrl);
    return front;
  }

  private async handle(res: ServerResponse): Promise<void> {
    this.hits++;
    const json = (status: number, body: string): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    switch (this.mode) {
      case 'proxy': {
        // The issuer itself may be down: answer as a gateway would, never leave the guard hanging.
        const upstream = await fetch(this.upstream).then(
          (r) => r.text(),
          () => undefined,
        );
        return upstream === undefined ? json(502, '{"error":"bad_gateway"}') : json(200, upstream);
      }
      case 'status-500':
        return json(500, '{"error":"boom"}');
      case 'garbage':
        return json(200, '{"keys": [ this is not json');
      case 'html':
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
      case 'empty-keys':
        return json(200, '{"keys":[]}');
      case 'private-keys': {
        const body = JSON.parse(await (await fetch(this.upstream)).text().catch(() => '{"keys":[]}'));
        return json(200, JSON.stringify({ keys: body.keys.map((k: object) => ({ ...k, kid: 'swapped', d: 'AAAA' })) }));
      }
      case 'huge':
        return json(200, JSON.stringify({ keys: [], pad: 'x'.repeat(2 * 1024 * 1024) }));
      case 'hang':
        return; // never answers
      case 'reset':
        return void res.socket?.destroy();
    }
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
