export const IS_PUBLIC = Symbol('auth-guard:public');
export const REQUIRED_ROLES = Symbol('auth-guard:roles');
export const REQUIRED_SCOPES = Symbol('auth-guard:scopes');
export const DELEGATION_RULE = Symbol('auth-guard:delegation');
export const REVOCATION_FAIL_OPEN = Symbol('auth-guard:revocation-fail-open');
