import type { IncomingMessage } from 'node:http';
import { extractBearerToken } from '../http/bearer-token.extractor';

/** The subprotocol a browser offers first to carry its token: `new WebSocket(url, ['bearer', token])`. */
export const BEARER_SUBPROTOCOL = 'bearer';
const TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

const offeredProtocols = (request: IncomingMessage): string[] => {
  const header = request.headers['sec-websocket-protocol'];
  return typeof header === 'string'
    ? header
        .split(',')
        .map((protocol) => protocol.trim())
        .filter(Boolean)
    : [];
};

/**
 * The handshake's token: `Authorization: Bearer` (servers, native clients), else the subprotocol pair `bearer, <token>`
 * (browsers cannot set headers on a WebSocket). Never the query string: URLs end up in access logs and histories.
 * Undefined: no credentials; null: malformed or sent both ways (ambiguous).
 */
export function extractHandshakeToken(request: IncomingMessage): string | undefined | null {
  const header = extractBearerToken(request.headers, request.rawHeaders);
  const protocols = offeredProtocols(request);
  const at = protocols.indexOf(BEARER_SUBPROTOCOL);
  if (at < 0) return header;
  if (header !== undefined) return null;
  const token = protocols[at + 1];
  return token && TOKEN.test(token) ? token : null;
}

/**
 * The subprotocol the server agrees to: never the token (it would echo it back), the first other one the client offered,
 * else `bearer` when that carried the token (a browser requires the server to pick one it offered).
 */
export function selectProtocol(protocols: Set<string>, request: IncomingMessage): string | false {
  const offered = offeredProtocols(request);
  const token = offered[offered.indexOf(BEARER_SUBPROTOCOL) + 1];
  for (const protocol of protocols) if (protocol !== BEARER_SUBPROTOCOL && (!offered.includes(BEARER_SUBPROTOCOL) || protocol !== token)) return protocol;
  return protocols.has(BEARER_SUBPROTOCOL) ? BEARER_SUBPROTOCOL : false;
}
