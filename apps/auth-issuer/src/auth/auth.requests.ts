import { IssuerError } from '../errors/issuer.error';
import { MAX_PASSWORD_BYTES } from '../users/password.hasher';

export interface LoginRequest {
  username: string;
  password: string;
  /** RFC 8707 resource indicator; only the issuer's admin audience is a valid one at login. */
  resource?: string;
}

const MAX_USERNAME_LENGTH = 256;
/** C0 controls and DEL: no username has them, and PostgreSQL text cannot even hold NUL. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new IssuerError('invalid_request', 'body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** Shape checks only; an unknown or odd-looking username is still a plain 401 later, like a wrong password. */
export function parseLoginRequest(body: unknown): LoginRequest {
  const { username, password, resource } = asObject(body);
  if (typeof username !== 'string' || username.length === 0 || username.length > MAX_USERNAME_LENGTH) {
    throw new IssuerError('invalid_request', 'username must be a non-empty string');
  }
  if (CONTROL_CHARACTERS.test(username)) throw new IssuerError('invalid_request', 'username must not contain control characters');
  if (typeof password !== 'string' || password.length === 0) {
    throw new IssuerError('invalid_request', 'password must be a non-empty string');
  }
  // Refused before hashing, so huge passwords cannot buy CPU or memory.
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new IssuerError('invalid_request', `password must be at most ${MAX_PASSWORD_BYTES} bytes`);
  }
  // RFC 8707 §2: one absolute URI naming the resource; a list or anything else is invalid_target.
  if (resource !== undefined && (typeof resource !== 'string' || resource.length === 0 || resource.length > 2048)) {
    throw new IssuerError('invalid_target', 'resource must be the URI of a protected resource');
  }
  return resource === undefined ? { username, password } : { username, password, resource };
}

export function parseRefreshRequest(body: unknown): { refreshToken: string } {
  const { refresh_token: refreshToken } = asObject(body);
  if (typeof refreshToken !== 'string' || refreshToken.length === 0) {
    throw new IssuerError('invalid_request', 'refresh_token must be a non-empty string');
  }
  return { refreshToken };
}

export function parseLogoutRequest(body: unknown): { refreshToken?: string } {
  if (body === undefined || body === null || body === '') return {};
  const { refresh_token: refreshToken } = asObject(body);
  if (refreshToken !== undefined && typeof refreshToken !== 'string') {
    throw new IssuerError('invalid_request', 'refresh_token must be a string');
  }
  return { refreshToken };
}
