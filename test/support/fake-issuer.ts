// Moved to the guard library's public testing entry point; kept here so the e2e tests read unchanged.
export { FakeIssuer } from '@app/auth-guard/testing';
export type { FakeIssuerMode, FakeTokenEndpoint } from '@app/auth-guard/testing';
