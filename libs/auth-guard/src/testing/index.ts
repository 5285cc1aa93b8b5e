/**
 * Test helpers for services that use the guard: local keys, minted tokens, a fake issuer and an in-memory
 * revocation store. Import from `@app/auth-guard/testing` in specs only; the main barrel never exports it.
 */
export { TestKeySet } from './test-key-set';
export type { MintOptions, TestKeySetOptions } from './test-key-set';
export { LocalKey, accessClaims, jwksOf } from './local-key';
export type { LocalAlg } from './local-key';
export { LocalKeySource } from './local-key-source';
export { FakeIssuer } from './fake-issuer';
export type { FakeIssuerMode, FakeTokenEndpoint, PublishedKeys } from './fake-issuer';
export { TestRevocationStore } from './test-revocation-store';
export { freePort } from './free-port';
export { TestingError } from './testing.error';
