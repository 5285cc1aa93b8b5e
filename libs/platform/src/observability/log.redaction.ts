/**
 * What a log line may never hold, whatever the level: tokens, passwords, secrets, cookies, the
 * Authorization header, key material. Two layers: pino's path redaction for structured fields, and a
 * scrub of free text (messages, error strings) for the shapes those values take.
 */
export const REDACTED = '[redacted]';

const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'new_password',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'subject_token',
  'actor_token',
  'client_secret',
  'secret',
  'code',
  'code_verifier',
  'private_key',
  'privateKey',
  'd',
  'key_material',
  'x-csrf-token',
];

/** pino `redact.paths`: each field at the top level, one level down, and under req/res headers. */
export const REDACT_PATHS = [
  ...SECRET_FIELDS.map((field) => `["${field}"]`),
  ...SECRET_FIELDS.map((field) => `*["${field}"]`),
  ...SECRET_FIELDS.map((field) => `req.headers["${field}"]`),
  ...SECRET_FIELDS.map((field) => `res.headers["${field}"]`),
];

const SCRUBS: Array<[RegExp, string]> = [
  // JWS/JWE compact (a JSON header base64url-encoded starts with eyJ).
  [/\beyJ[\w-]*\.[\w-]*(\.[\w-]*){0,3}/g, REDACTED],
  [/\b(bearer|basic|dpop)\s+[\w\-.~+/=]+/gi, `$1 ${REDACTED}`],
  [/-----BEGIN [A-Z ]*KEY-----[\s\S]*?(-----END [A-Z ]*KEY-----|$)/g, REDACTED],
  // key=value and "key":"value" of secret-like names (form bodies, query strings, JSON text).
  [
    /\b((?:access_|refresh_|id_|subject_|actor_)?token|password|client_secret|secret|code_verifier|cookie)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi,
    `$1$2${REDACTED}`,
  ],
  // Credentials in URLs.
  [/\/\/[^/\s:@]*:[^/\s@]*@/g, `//${REDACTED}@`],
];

/** Free text with anything shaped like a credential blanked. */
export function scrub(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SCRUBS) out = out.replace(pattern, replacement);
  return out;
}
