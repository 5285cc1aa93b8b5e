import { IssuerError } from '../errors/issuer.error';
import type { AuditQuery } from '../audit/audit-events.reader';
import type { AuditEventType } from '../audit/audit-event.types';

const TYPES: ReadonlySet<string> = new Set<AuditEventType>([
  'login_success',
  'login_failure',
  'login_throttled',
  'refresh_reuse',
  'logout',
  'logout_everywhere',
  'token_revoked',
  'key_rotated',
  'key_generated',
  'key_activated',
  'key_retired',
  'key_removed',
  'key_imported',
  'key_revoked',
  'client_created',
  'client_auth_failure',
  'client_auth_throttled',
  'user_created',
  'admin_action',
]);
const AUDIT_PAGE_MAX = 200;
const ALLOWED = new Set(['limit', 'type', 'before']);

/** `?limit=1..200&type=<event>&before=<id>`, each at most once; anything else is a 400 naming the parameter. */
export function parseAuditQuery(query: unknown): AuditQuery {
  const params = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  for (const name of Object.keys(params)) if (!ALLOWED.has(name)) throw new IssuerError('invalid_request', `unknown parameter ${name.slice(0, 40)}`);
  const single = (name: string): string | undefined => {
    const value = params[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new IssuerError('invalid_request', `${name} must appear once`);
    return value;
  };
  const limit = single('limit') ?? '50';
  if (!/^\d{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > AUDIT_PAGE_MAX)
    throw new IssuerError('invalid_request', `limit must be 1 to ${AUDIT_PAGE_MAX}`);
  const type = single('type');
  if (type !== undefined && !TYPES.has(type)) throw new IssuerError('invalid_request', 'type is not an audit event type');
  const before = single('before');
  if (before !== undefined && !/^[1-9]\d{0,17}$/.test(before)) throw new IssuerError('invalid_request', 'before must be an event id');
  return { limit: Number(limit), type: type as AuditEventType | undefined, before };
}
