export { Hs256TokensModule } from './hs256-tokens.module';
export type { Hs256TokensOptions } from './hs256-tokens.options';
export { Hs256TokenService } from './hs256-token.service';
export type { Hs256Claims } from './hs256-token.service';
export { Hs256TokenVerifier } from './hs256-token.verifier';
export { hs256SecretsFromEnv, parseHs256Secrets, HS256_SECRETS_VARIABLE, MIN_SECRET_BYTES } from './hs256-secrets';
export type { Hs256Secret } from './hs256-secrets';
// The very decorators of the guard library: one set of metadata keys, whichever mode verifies.
export { Public, Roles, Scopes, CurrentUser, GuardMetrics } from '@app/auth-guard';
