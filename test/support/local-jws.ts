// Moved to the guard library's public testing entry point; kept here so the e2e tests read unchanged.
export { LocalKey, accessClaims, jwksOf } from '@app/auth-guard/testing';
export type { LocalAlg } from '@app/auth-guard/testing';
