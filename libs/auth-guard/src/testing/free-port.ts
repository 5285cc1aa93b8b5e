import { createServer } from 'node:net';
import { TestingError } from './testing.error';

/**
 * Ports below Linux's ephemeral range (32768-60999): a port the kernel hands out for port 0 is also
 * what outgoing connections (pg, Redis, fetch) draw from, so it could be taken again before an app
 * listens on it. Ports handed out here are never handed out twice in one process.
 */
const LOW = 20000;
const HIGH = 32000;
const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** A port that was free a moment ago; apps need theirs before listen because the issuer URL embeds it. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canListen(port)) return port;
  }
  throw new TestingError('ERR_NO_FREE_PORT', `no free port found in ${LOW}-${HIGH}`);
}
