import { assertCanonicalSegments, assertStrictJson, HEADER_MAX_DEPTH } from './strict-segments';
import { VerificationError } from './verification.error';

export interface AccessTokenHeader {
  alg: string;
  kid: string;
  typ: string;
}

/** Compact JWS: three base64url segments, nothing else (no JWE, no JSON serialization, no unsigned token). */
const COMPACT_JWS = /^[A-Za-z0-9_-]{2,4096}\.[A-Za-z0-9_-]{2,16384}\.[A-Za-z0-9_-]{16,1024}$/;
const KID = /^[A-Za-z0-9._-]{1,128}$/;
/** Anything beyond these members (jku, x5u, jwk, x5c, x5t, crit, zip, b64, cty, ...) is refused outright. */
const ALLOWED_MEMBERS = new Set(['alg', 'typ', 'kid']);
/** RFC 9068 §2.1; the `application/` prefix may be present (RFC 7515 §4.1.9), compared case-insensitively. */
const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt']);

/** Longest string the format check accepts; longer tokens are malformed without running the regex. */
const MAX_TOKEN_LENGTH = 4096 + 16384 + 1024 + 2;

/** Parses and checks the protected header before any key lookup; never trusts it beyond these checks. */
export function readAccessTokenHeader(token: string): AccessTokenHeader {
  const header = readHeaderSegment(token);
  assertCanonicalSegments(token);
  return header;
}

/**
 * The cheap half of readAccessTokenHeader: shape, then the header alone. The caller must still refuse a
 * non-canonical signature and payload (decodeCanonical), as AccessTokenVerifier does after the key lookup:
 * garbage is refused before anything but the short header has been decoded.
 */
export function readHeaderSegment(token: string): AccessTokenHeader {
  if (!hasCompactShape(token)) throw new VerificationError('ERR_TOKEN_MALFORMED');
  return checkHeader(decodeSegment(token.slice(0, token.indexOf('.'))));
}

/** Three base64url segments of bounded length: the first, cheapest refusal. */
export function hasCompactShape(token: unknown): token is string {
  return typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH && COMPACT_JWS.test(token);
}

function checkHeader(header: Record<string, unknown>): AccessTokenHeader {
  for (const member of Object.keys(header)) {
    if (!ALLOWED_MEMBERS.has(member)) throw new VerificationError('ERR_HEADER_REFUSED', member);
  }
  const { alg, kid, typ } = header;
  if (typeof alg !== 'string') throw new VerificationError('ERR_HEADER_REFUSED', 'alg');
  if (typeof typ !== 'string' || !ACCESS_TOKEN_TYPES.has(typ.toLowerCase())) throw new VerificationError('ERR_TYP_MISMATCH');
  if (typeof kid !== 'string' || !KID.test(kid)) throw new VerificationError('ERR_HEADER_REFUSED', 'kid');
  return { alg, kid, typ };
}

/**
 * Strict base64url JSON object: canonical encoding, no padding, no duplicate members, bounded nesting,
 * a plain object at the top. The header gets HEADER_MAX_DEPTH; the payload, once signed, PAYLOAD_MAX_DEPTH.
 */
export function decodeSegment(segment: string, maxDepth = HEADER_MAX_DEPTH): Record<string, unknown> {
  const bytes = decodeCanonical(segment);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new VerificationError('ERR_TOKEN_MALFORMED', 'segment is not JSON');
  }
  assertStrictJson(bytes.toString('utf8'), maxDepth);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new VerificationError('ERR_TOKEN_MALFORMED', 'segment is not an object');
  return value as Record<string, unknown>;
}

/** Base64url that re-encodes to itself: stray trailing bits would make one signature look like many. */
export function decodeCanonical(segment: string): Buffer {
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.toString('base64url') !== segment) throw new VerificationError('ERR_TOKEN_MALFORMED', 'non-canonical base64url');
  return bytes;
}
