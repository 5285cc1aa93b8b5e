import { request } from 'node:http';
import { connect } from 'node:net';

export interface WireResult {
  /** 0 when the server closed the connection without a status line. */
  status: number;
  text: string;
}

/** One request with exactly these bytes as body (fetch would re-encode or refuse invalid UTF-8). */
export function sendBody(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<WireResult> {
  const target = new URL(baseUrl);
  const outgoing: Record<string, string> = { connection: 'close', ...headers };
  if (body !== undefined) outgoing['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = request({ method, host: target.hostname, port: target.port, path, headers: outgoing, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no response in 10 s to ${method} ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Raw bytes on a fresh TCP connection (junk header lines, lying content-length), then the write side
 * is closed. Resolves with the status line's code once the server closes, or 0 if it closed without
 * one; rejects if the server neither answers nor closes in 10 s (a hang is a failure too).
 */
export function sendRaw(port: number, bytes: Buffer): Promise<WireResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`neither answer nor close in 10 s for ${JSON.stringify(bytes.subarray(0, 120).toString('latin1'))}`));
    }, 10_000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    // A reset after the answer is the server's way to drop a broken connection; what was read counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : 0, text });
    });
    socket.on('connect', () => socket.end(bytes));
  });
}
