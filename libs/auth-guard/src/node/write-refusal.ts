import type { ServerResponse } from 'node:http';
import type { Refusal } from '../http/refusal';

/** The refusal on a bare Node response, byte for byte what the Nest guard sends. */
export function writeRefusal(response: ServerResponse, refusal: Refusal): void {
  const body = JSON.stringify(refusal.body);
  response.writeHead(refusal.status, { ...refusal.headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
