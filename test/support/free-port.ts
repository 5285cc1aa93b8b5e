import { createServer } from 'node:net';
import { freePort } from '@app/auth-guard/testing';

// Moved to the guard library's public testing entry point; kept here so the e2e tests read unchanged.
export { freePort };

/** Whether `port` can be listened on right now (on every interface, as the apps listen). */
export function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** `count` consecutive ports that were free a moment ago, e.g. for `npm start`'s METRICS_PORT, +1, +2. */
export async function freePortRun(count: number): Promise<number> {
  for (;;) {
    const base = await freePort();
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, index) => canListen(base + index + 1)));
    if (rest.every(Boolean)) return base;
  }
}
