import { createPublicKey, KeyObject } from 'node:crypto';
import type { SigningKeyEntity } from '../store/signing-key.entity';

export interface ActiveSigner {
  kid: string;
  alg: string;
  privateKey: KeyObject;
}

export interface PublishedKey {
  kid: string;
  alg: string;
  publicKey: KeyObject;
  jwk: Record<string, unknown>;
}

/** An immutable snapshot of the keys in force: what signs now and what the JWKS publishes. */
export class KeyRing {
  readonly byKid: ReadonlyMap<string, PublishedKey>;
  readonly jwksBody: string;

  constructor(
    readonly signer: ActiveSigner | undefined,
    published: SigningKeyEntity[],
  ) {
    const keys = published.map((row) => ({
      kid: row.kid,
      alg: row.alg,
      jwk: row.publicJwk,
      publicKey: createPublicKey({ key: row.publicJwk as never, format: 'jwk' }),
    }));
    this.byKid = new Map(keys.map((k) => [k.kid, k]));
    this.jwksBody = JSON.stringify({ keys: keys.map((k) => k.jwk) });
  }
}
