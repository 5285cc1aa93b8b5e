import { findJsonProblem } from '@app/platform/strict-json';
import { VerificationError } from './verification.error';

/** Header members are flat strings; anything nested deeper is no header this issuer writes. */
export const HEADER_MAX_DEPTH = 4;
/** Room for nested claims such as RFC 8693 `act`, nowhere near what could tie up a parser. */
export const PAYLOAD_MAX_DEPTH = 16;

/**
 * Each segment must be the one canonical base64url spelling of its bytes: unused trailing bits
 * would otherwise let many token strings carry one signature (token malleability).
 */
export function assertCanonicalSegments(token: string): void {
  for (const segment of token.split('.')) {
    if (Buffer.from(segment, 'base64url').toString('base64url') !== segment) {
      throw new VerificationError('ERR_TOKEN_MALFORMED', 'non-canonical base64url');
    }
  }
}

/** Refuses duplicate member names (parsers disagree on which wins) and deep nesting in a segment's JSON. */
export function assertStrictJson(json: string, maxDepth: number): void {
  const problem = findJsonProblem(json, maxDepth);
  if (problem) throw new VerificationError('ERR_TOKEN_MALFORMED', problem);
}
