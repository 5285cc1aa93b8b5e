import { setLogSink } from './log/logger';
import { nestLogSink } from './log/nest-log-sink';

// The Nest entry point: the library's log lines go through Nest's Logger (plain Node keeps the console).
setLogSink(nestLogSink);

export { AuthGuardModule } from './auth-guard.module';
export type { AuthGuardOptions } from './auth-guard.options';
export { GUARD_DEFAULTS } from './auth-guard.options';
export { AuthGuardHealth } from './auth-guard.health';
export type { GuardReadiness } from './auth-guard.health';
export { AccessTokenGuard } from './guard/access-token.guard';
export { GuardMetrics } from './guard/guard.metrics';
export { Public } from './decorators/public.decorator';
export { Roles } from './decorators/roles.decorator';
export { Scopes } from './decorators/scopes.decorator';
export { RevocationFailOpen } from './decorators/revocation-fail-open.decorator';
export { CurrentUser } from './decorators/current-user.decorator';
/** The RFC 6750 401 refusal the guard sends, for an app's own route guards that run after it. */
export { unauthorized } from './http/challenge';
export type { KeySource, VerificationKey } from './keys/key-source';
export { RemoteKeySet } from './keys/remote-key-set';
export { isRevocationStoreUnseeded, RevocationChecker } from './revocation/revocation.checker';
export type { RemoteKeySetOptions } from './keys/remote-key-set';
export type { JwksFetcher, JwksFetchResult } from './keys/jwks.client';
export { KeyEventsSubscriber } from './push/key-events.subscriber';
export { AccessTokenVerifier } from './verify/access-token.verifier';
export type { VerifierPolicy } from './verify/access-token.verifier';
export { VerificationError } from './verify/verification.error';
export type { VerificationFailure } from './verify/verification.error';
export { ClientCredentialsTokenProvider } from './client/client-credentials.token-provider';
export { ClientCredentialsError } from './client/client-credentials.error';
export type { ClientCredentialsOptions } from './client/client-credentials.token-provider';
export type { ClientCredentialsFailure } from './client/client-credentials.error';
export { IssuerFetchError } from './issuer/issuer-fetch.error';
export type { IssuerFetchFailure } from '@app/platform';
export { KEY_SOURCE, KEY_EVENTS } from './auth-guard.constants';
export { extractCookieToken, csrfEchoed, repeatedCookie } from './http/cookie-token.extractor';
export type { CookieTokenOptions } from './http/cookie-token.extractor';
export * from './passport';
export { refusalFor } from './http/refusal';
export type { Refusal, RefusalContext } from './http/refusal';
/** Building blocks for a verifier whose signature primitive lives elsewhere (the HS256 mode): the same header and claim checks. */
export { readAccessTokenHeader } from './verify/jws-header';
export type { AccessTokenHeader } from './verify/jws-header';
export { claimsOfSignedToken } from './verify/signed-claims';
export type { ClaimsPolicy } from './verify/claims.check';
export { rpcRefusalFor, RPC_STATUS } from './rpc/rpc-refusal';
export type { RpcRefusal, RpcRefusalCode } from './rpc/rpc-refusal';
export { bearerEnvelope, isBearerEnvelope } from './rpc/bearer-envelope';
export type { BearerEnvelope } from './rpc/bearer-envelope';
export { withBearer, natsBearerRecord, grpcBearerMetadata, bearerMessage, sendWithToken, emitWithToken } from './client/outgoing-token';
export type { TokenSource } from './client/outgoing-token';
export { AuthenticatedWsAdapter } from './ws/authenticated-ws.adapter';
export { BEARER_SUBPROTOCOL, extractHandshakeToken } from './ws/handshake-token';
export { POLICY_VIOLATION } from './ws/connection-watch';
export { exportGuardMetrics } from './observe/guard-metrics.exporter';
export type { RevocationLookupResult } from './guard/guard.metrics';
