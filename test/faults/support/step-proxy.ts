import { connect, createServer, Server, Socket } from 'node:net';

export type Direction = 'request' | 'reply';

/** What one connection has sent so far (statement or command texts as they crossed the wire). */
export class ConnectionTrace {
  readonly requests: string[] = [];

  /** Keeps the latest messages only: long-lived pool connections would otherwise grow without end. */
  record(text: string): void {
    this.requests.push(text);
    if (this.requests.length > 1000) this.requests.splice(0, 500);
  }

  /** The requests after the last one matching `pattern`; undefined if none matched yet. */
  since(pattern: RegExp): string[] | undefined {
    for (let i = this.requests.length - 1; i >= 0; i--) if (pattern.test(this.requests[i])) return this.requests.slice(i + 1);
    return undefined;
  }
}

/** Decides, for each chunk, whether the connection freezes on it. */
export type FreezeWhen = (trace: ConnectionTrace, direction: Direction, text: string) => boolean;

interface Link {
  client: Socket;
  upstream: Socket;
  trace: ConnectionTrace;
  frozen: boolean;
  /** The server side outlives the client: a partition ate the client's FIN (see strandFrozen). */
  stranded: boolean;
  /** What arrived while frozen, to pass on if the connection is released. */
  held: { to: Socket; chunk: Buffer }[];
}

/**
 * A TCP proxy (in front of PostgreSQL or Redis) that can stop one connection at a chosen message: from
 * the matching chunk on, nothing more crosses in either direction (the statement or command never
 * reaches the server, or its answer never reaches the client). The test then kills the client process,
 * severs the connection, or releases it, at a known step. PostgreSQL statement texts are plain UTF-8 in
 * the protocol's Query and Parse messages, Redis commands in RESP, so a pattern on the text is enough.
 */
export class StepProxy {
  private readonly links = new Set<Link>();
  private armed?: { when: FreezeWhen; resolve: (link: Link) => void };
  private frozenLink?: Link;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<StepProxy> {
    let proxy: StepProxy | undefined;
    const server = createServer((client) => proxy?.accept(client, connect(target.port, target.host)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    proxy = new StepProxy(server, typeof address === 'object' && address ? address.port : 0);
    return proxy;
  }

  /** Resolves once a connection froze on a chunk for which `when` held; one freeze armed at a time. */
  freezeWhen(when: FreezeWhen, timeoutMs = 10_000): Promise<ConnectionTrace> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.armed = undefined;
        reject(new Error(`no connection reached the awaited statement within ${timeoutMs} ms`));
      }, timeoutMs);
      this.armed = {
        when,
        resolve: (link) => {
          clearTimeout(timer);
          resolve(link.trace);
        },
      };
    });
  }

  disarm(): void {
    this.armed = undefined;
  }

  /** Lets the frozen connection go on as if it had only been slow: everything held is passed on, in order. */
  releaseFrozen(): void {
    const link = this.frozenLink;
    this.frozenLink = undefined;
    if (!link) return;
    link.frozen = false;
    for (const { to, chunk } of link.held.splice(0)) to.write(chunk);
  }

  /**
   * Leaves the frozen connection as a network partition does: nothing crosses, and when the client gives
   * up and closes its socket the server never hears of it (its session, and any lock it holds, live on).
   */
  strandFrozen(): void {
    if (this.frozenLink) this.frozenLink.stranded = true;
  }

  /** Drops the frozen connection on both sides, as a network failure would: the server rolls back, the client sees an error. */
  severFrozen(): void {
    const link = this.frozenLink;
    this.frozenLink = undefined;
    link?.client.destroy();
    link?.upstream.destroy();
  }

  async close(): Promise<void> {
    this.armed = undefined;
    for (const link of this.links) {
      link.client.destroy();
      link.upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, upstream: Socket): void {
    const link: Link = { client, upstream, trace: new ConnectionTrace(), frozen: false, stranded: false, held: [] };
    this.links.add(link);
    const relay = (from: Socket, to: Socket, direction: Direction) => {
      from.on('data', (chunk: Buffer) => {
        const text = chunk.toString('latin1');
        if (!link.frozen && this.armed?.when(link.trace, direction, text)) {
          const armed = this.armed;
          link.frozen = true;
          this.armed = undefined;
          this.frozenLink = link;
          armed.resolve(link);
        }
        if (direction === 'request') link.trace.record(text);
        if (link.frozen) link.held.push({ to, chunk });
        else to.write(chunk);
      });
    };
    relay(client, upstream, 'request');
    relay(upstream, client, 'reply');
    for (const socket of [client, upstream]) socket.on('error', () => undefined);
    // A client that dies (SIGKILL) closes its socket: the server side goes too, and PostgreSQL rolls back.
    client.on('close', () => {
      if (link.stranded) return;
      upstream.destroy();
      this.links.delete(link);
    });
    upstream.on('close', () => client.destroy());
  }
}
