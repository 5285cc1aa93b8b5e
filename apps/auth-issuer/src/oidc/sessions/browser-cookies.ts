import { parse, serialize } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The issuer's own browser cookies: `__Host-` (Secure, Path=/, no Domain), HttpOnly, SameSite=Lax so the
 * session rides along when an app sends the browser to /oauth/authorize. Chromium and Firefox keep Secure
 * cookies from http://localhost and http://127.0.0.1 (potentially trustworthy origins), so local runs work too.
 */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || header.length > 8192) return undefined;
  try {
    return parse(header)[name];
  } catch {
    return undefined;
  }
}

export function setCookie(reply: FastifyReply, name: string, value: string, maxAgeSeconds: number): void {
  appendSetCookie(reply, serialize(name, value, { httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: maxAgeSeconds }));
}

export function clearCookie(reply: FastifyReply, name: string): void {
  appendSetCookie(reply, serialize(name, '', { httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: 0 }));
}

function appendSetCookie(reply: FastifyReply, cookie: string): void {
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  reply.header('set-cookie', [...list, cookie]);
}
