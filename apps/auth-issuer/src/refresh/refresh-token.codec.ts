import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url: opaque to clients, never a JWT. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens carry full entropy, so a fast hash is enough; only the hash is stored. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

export function looksLikeRefreshToken(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}
