/** The closed list of security events the issuer records. */
export type AuditEventType =
  | 'login_success'
  | 'login_failure'
  | 'login_throttled'
  | 'refresh_reuse'
  | 'logout'
  | 'logout_everywhere'
  | 'token_revoked'
  | 'key_rotated'
  | 'key_generated'
  | 'key_activated'
  | 'key_retired'
  | 'key_removed'
  | 'key_imported'
  | 'key_revoked'
  | 'client_created'
  | 'client_auth_failure'
  | 'client_auth_throttled'
  | 'user_created'
  | 'admin_action'
  | 'consent_granted'
  | 'backchannel_logout_failed';

/** Detail values are short scalars; anything that looks like a credential is dropped before storage. */
export type AuditDetails = Record<string, string | number | boolean | null | undefined>;
