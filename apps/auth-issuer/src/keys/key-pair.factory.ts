import { generateKeyPairSync, KeyObject, randomBytes } from 'node:crypto';
import { exportJWK } from 'jose';
import type { SigningAlgorithm } from '../config/issuer.config';

export interface GeneratedKeyPair {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

/** One row per algorithm, as jose does it: the generator parameters live in a table, not in branches. */
const GENERATORS: Record<SigningAlgorithm, () => { privateKey: KeyObject; publicKey: KeyObject }> = {
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  EdDSA: () => generateKeyPairSync('ed25519'),
};

export function newKid(): string {
  return randomBytes(12).toString('base64url');
}

export async function generateKeyPair(alg: SigningAlgorithm): Promise<GeneratedKeyPair> {
  const { privateKey, publicKey } = GENERATORS[alg]();
  const kid = newKid();
  return { kid, alg, privateKey, publicJwk: await publicJwkOf(publicKey, kid, alg) };
}

/** The public JWK with exactly the published members; never private parameters. */
export async function publicJwkOf(publicKey: KeyObject, kid: string, alg: string): Promise<Record<string, unknown>> {
  const jwk = await exportJWK(publicKey);
  const { kty, n, e, crv, x, y } = jwk;
  return Object.fromEntries(
    Object.entries({ kty, n, e, crv, x, y, kid, alg, use: 'sig' }).filter(([, v]) => v !== undefined),
  );
}
