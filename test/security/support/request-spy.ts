import { createServer, Server } from 'node:http';

/**
 * A local HTTP server that serves `body` to anyone and counts who asked: the jku/x5u target
 * an attacker would point a token at. The product must never call it.
 */
export class RequestSpy {
  requests: string[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(body: string): Promise<RequestSpy> {
    let spy: RequestSpy | undefined;
    const server = createServer((req, res) => {
      spy?.requests.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    spy = new RequestSpy(server, `http://127.0.0.1:${port}`);
    return spy;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
