// Moved to the guard library's public testing entry point; kept here so the e2e tests read unchanged.
export { freePort } from '@app/auth-guard/testing';
