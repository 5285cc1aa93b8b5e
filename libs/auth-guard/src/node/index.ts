// Plain Node entry (`@app/auth-guard/node`): nothing here loads Nest (libs/boundaries.spec.ts checks it).
export { createTokenVerifier, verifyAccessToken } from './token-verifier';
export type { AccessRules, NodeVerifierOptions, RequestOutcome, TokenVerifier } from './token-verifier';
export { expressAccessToken } from './express.middleware';
export { fastifyAccessToken } from './fastify.hook';
export { VerificationError } from '../verify/verification.error';
export type { VerificationFailure } from '../verify/verification.error';
export type { Refusal } from '../http/refusal';
export { setLogSink } from '../log/logger';
export type { LogSink } from '../log/logger';
