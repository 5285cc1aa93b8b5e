export const KEY_SOURCE = Symbol('auth-guard:key-source');
export const REVOCATION_REDIS = Symbol('auth-guard:revocation-redis');
export const RESOLVED_OPTIONS = Symbol('auth-guard:resolved-options');
export const KEY_EVENTS = Symbol('auth-guard:key-events');
export const REVOCATION_SYNC = Symbol('auth-guard:revocation-sync');
