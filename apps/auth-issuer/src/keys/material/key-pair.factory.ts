import { createPublicKey, generateKeyPair as generateNodeKeyPair, KeyObject, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { exportJWK } from 'jose';
import type { SigningAlgorithm } from '../../config/issuer.config';

export interface GeneratedKeyPair {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

const generate = promisify(generateNodeKeyPair) as (type: string, options?: object) => Promise<{ privateKey: KeyObject; publicKey: KeyObject }>;

/**
 * One row per algorithm, as jose does it: the generator parameters live in a table, not in branches.
 * Generation is asynchronous (libuv pool) so a 2048-bit RSA key does not stall requests in flight.
 */
const GENERATORS: Record<SigningAlgorithm, () => Promise<{ privateKey: KeyObject; publicKey: KeyObject }>> = {
  RS256: () => generate('rsa', { modulusLength: 2048 }),
  ES256: () => generate('ec', { namedCurve: 'P-256' }),
  EdDSA: () => generate('ed25519'),
};

function newKid(): string {
  return randomBytes(12).toString('base64url');
}

export async function generateKeyPair(alg: SigningAlgorithm): Promise<GeneratedKeyPair> {
  const { privateKey, publicKey } = await GENERATORS[alg]();
  const kid = newKid();
  return { kid, alg, privateKey, publicJwk: await publicJwkOf(publicKey, kid, alg) };
}

/** A key pair around an existing private key (import). */
export async function keyPairOf(privateKey: KeyObject, kid: string, alg: SigningAlgorithm): Promise<GeneratedKeyPair> {
  return { kid, alg, privateKey, publicJwk: await publicJwkOf(createPublicKey(privateKey), kid, alg) };
}

/** The public JWK with exactly the published members; never private parameters. */
async function publicJwkOf(publicKey: KeyObject, kid: string, alg: string): Promise<Record<string, unknown>> {
  const jwk = await exportJWK(publicKey);
  const { kty, n, e, crv, x, y } = jwk;
  return Object.fromEntries(Object.entries({ kty, n, e, crv, x, y, kid, alg, use: 'sig' }).filter(([, v]) => v !== undefined));
}
