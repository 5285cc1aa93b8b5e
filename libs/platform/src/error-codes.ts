/**
 * Every code a thrown error of this product can carry, as one closed union of families. Families live
 * here, not with their owners, because the union must see them all and libs below cannot import the ones above.
 */

/** The issuer's HTTP refusals (RFC 6749 §5.2 names where they exist); one filter maps them to a status. */
export type IssuerErrorCode =
  | 'invalid_request'
  | 'invalid_credentials'
  | 'invalid_grant'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'not_found'
  | 'conflict'
  | 'invalid_key'
  | 'weak_key'
  | 'rate_limited'
  | 'client_throttled'
  | 'temporarily_unavailable';

/** The issuer's own faults, never a caller's: a 500 where a request meets them, a log line elsewhere. */
export type IssuerFaultCode =
  /** A key row that should hold a private key holds none. */
  'ERR_KEY_MISSING_PRIVATE' | 'ERR_KEY_ENVELOPE_INVALID' | 'ERR_KEY_ENVELOPE_IV_OR_TAG_LENGTH' | 'ERR_KEY_DECRYPTION_FAILED' | 'ERR_RESEED_INTERRUPTED';

/**
 * Why the guard refused a token. Codes go to logs and metrics, never to the caller,
 * who only ever sees `invalid_token`, `insufficient_scope` or a bare 503.
 */
export type VerificationFailure =
  | 'ERR_TOKEN_MISSING'
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_HEADER_REFUSED'
  | 'ERR_ALG_NOT_ALLOWED'
  | 'ERR_TYP_MISMATCH'
  | 'ERR_KID_UNKNOWN'
  | 'ERR_SIGNATURE_INVALID'
  | 'ERR_CLAIMS_INVALID'
  | 'ERR_ISSUER_MISMATCH'
  | 'ERR_AUDIENCE_MISMATCH'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_REVOKED'
  | 'ERR_INSUFFICIENT_ROLE'
  | 'ERR_INSUFFICIENT_SCOPE'
  /** A route's @Delegation rule: delegation required, forbidden, or by an actor not on its list. */
  | 'ERR_DELEGATION_REFUSED'
  | 'ERR_KEYS_UNAVAILABLE'
  | 'ERR_REVOCATION_UNAVAILABLE';

/** Why the guard library could not read the issuer's discovery document or JWKS. */
export type IssuerFetchFailure =
  | 'ERR_ISSUER_UNREACHABLE'
  | 'ERR_ISSUER_BODY_TOO_LARGE'
  | 'ERR_DISCOVERY_STATUS'
  | 'ERR_DISCOVERY_MALFORMED'
  | 'ERR_DISCOVERY_ISSUER_MISMATCH'
  | 'ERR_DISCOVERY_NO_JWKS_URI'
  | 'ERR_JWKS_STATUS'
  | 'ERR_JWKS_MALFORMED'
  | 'ERR_JWKS_NO_USABLE_KEY';

/** Why a client_credentials token could not be obtained. */
export type ClientCredentialsFailure = 'ERR_DISCOVERY_FAILED' | 'ERR_TOKEN_ENDPOINT_UNREACHABLE' | 'ERR_TOKEN_REQUEST_REFUSED' | 'ERR_TOKEN_RESPONSE_INVALID';

/** The guard library's testing entry point used in a way it cannot serve. */
export type TestingFailure = 'ERR_NO_FREE_PORT' | 'ERR_TEST_KEY_IN_USE';

/** The single-service HS256 mode asked to sign claims it cannot, or to revoke without its Redis. */
export type Hs256Failure = 'ERR_HS256_CLAIMS_INVALID' | 'ERR_HS256_NO_REDIS';

/** A process that cannot start or a command line that cannot run: one line, then exit. */
export type StartupFailure = 'ERR_CONFIG' | 'ERR_START' | 'ERR_USAGE';

/** A request body the strict JSON parser refuses before any handler runs. */
export type BodyFailure = 'ERR_JSON_POISONED_KEY';

/** Faults of the product itself (FaultError): the issuer's, and any broken invariant. */
export type FaultCode = IssuerFaultCode | 'ERR_INTERNAL';

/** The closed union: every coded error carries one of these. */
export type ErrorCode =
  | IssuerErrorCode
  | FaultCode
  | VerificationFailure
  | IssuerFetchFailure
  | ClientCredentialsFailure
  | TestingFailure
  | Hs256Failure
  | StartupFailure
  | BodyFailure;
