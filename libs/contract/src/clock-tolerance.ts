/** The largest clock tolerance a guard accepts (`clockToleranceSeconds`, a service's CLOCK_TOLERANCE). */
export const MAX_CLOCK_TOLERANCE_SECONDS = 300;

/**
 * How long every revocation entry (denied jti, ended session, subject cut-off) outlives the last moment a token it
 * refuses can expire: the largest tolerance any guard may apply after `exp`, plus 60 s for skew between the apps' clocks.
 * Tied to MAX_CLOCK_TOLERANCE_SECONDS so raising one can never let a guard accept a token whose entry has gone.
 */
export const REVOCATION_TTL_MARGIN_SECONDS = MAX_CLOCK_TOLERANCE_SECONDS + 60;
