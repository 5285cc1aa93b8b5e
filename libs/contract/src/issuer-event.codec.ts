/**
 * Messages on the events channel (`redisKeys(prefix).events`); issuer replicas and guards act on them at once.
 * `session-ended` and `token-denied` are for what outlives a request (WebSocket connections); request-by-request
 * checks read the revocation store and need no event.
 */
export type IssuerEvent =
  | { type: 'keys-changed' }
  | { type: 'key-revoked'; kid: string }
  | { type: 'subject-cutoff'; sub: string; at: number }
  | { type: 'session-ended'; sid: string }
  | { type: 'token-denied'; jti: string };

/** Larger messages are refused unread: no event needs more, and parsing is what an attacker with channel access would aim at. */
export const MAX_ISSUER_EVENT_BYTES = 1024;
/** The kids the issuer mints and imports (and the guard accepts in a JWS header). */
export const KID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const MAX_SUBJECT_LENGTH = 255;

const isKid = (value: unknown): value is string => typeof value === 'string' && KID_PATTERN.test(value);
const isSubject = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_SUBJECT_LENGTH;
/** Session ids and jtis: opaque ids of ours, never free text. */
const isTokenId = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(value);
const isEpochSeconds = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** One row per event type: its exact members (besides `type`) and how to read them. */
const READERS: {
  [T in IssuerEvent['type']]: { members: readonly string[]; read: (m: Record<string, unknown>) => Extract<IssuerEvent, { type: T }> | undefined };
} = {
  'keys-changed': { members: [], read: () => ({ type: 'keys-changed' }) },
  'key-revoked': { members: ['kid'], read: ({ kid }) => (isKid(kid) ? { type: 'key-revoked', kid } : undefined) },
  'subject-cutoff': {
    members: ['sub', 'at'],
    read: ({ sub, at }) => (isSubject(sub) && isEpochSeconds(at) ? { type: 'subject-cutoff', sub, at } : undefined),
  },
  'session-ended': { members: ['sid'], read: ({ sid }) => (isTokenId(sid) ? { type: 'session-ended', sid } : undefined) },
  'token-denied': { members: ['jti'], read: ({ jti }) => (isTokenId(jti) ? { type: 'token-denied', jti } : undefined) },
};

/** The wire text of an event, members in a fixed order (what every publisher sends). */
export function encodeIssuerEvent(event: IssuerEvent): string {
  switch (event.type) {
    case 'keys-changed':
      return JSON.stringify({ type: event.type });
    case 'key-revoked':
      return JSON.stringify({ type: event.type, kid: event.kid });
    case 'subject-cutoff':
      return JSON.stringify({ type: event.type, sub: event.sub, at: event.at });
    case 'session-ended':
      return JSON.stringify({ type: event.type, sid: event.sid });
    case 'token-denied':
      return JSON.stringify({ type: event.type, jti: event.jti });
  }
}

/**
 * Reads one message from the channel, strictly: anything but a known type with exactly its members,
 * each well-formed, within MAX_ISSUER_EVENT_BYTES, is refused (undefined). Never throws.
 */
export function decodeIssuerEvent(text: unknown): IssuerEvent | undefined {
  if (typeof text !== 'string' || text.length > MAX_ISSUER_EVENT_BYTES || Buffer.byteLength(text, 'utf8') > MAX_ISSUER_EVENT_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const message = value as Record<string, unknown>;
  const type = message.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(READERS, type)) return undefined;
  const reader = READERS[type as IssuerEvent['type']];
  const members = Object.keys(message).filter((name) => name !== 'type');
  if (members.length !== reader.members.length || !members.every((name) => reader.members.includes(name))) return undefined;
  return reader.read(message);
}
