import type { KeySource, VerificationKey } from '../keys/key-source';
import { parseJwks } from '../keys/jwks.parser';

/**
 * Serves keys from a JWKS held in the test process, through the same parser as the remote set, so a key
 * the guard would skip over HTTP is skipped here too. Read at every lookup: rotations show at once.
 */
export class LocalKeySource implements KeySource {
  constructor(private readonly jwks: () => unknown) {}

  async getKey(kid: string): Promise<VerificationKey | undefined> {
    return parseJwks(this.jwks()).get(kid);
  }

  isReady(): boolean {
    return parseJwks(this.jwks()).size > 0;
  }

  algorithms(): ReadonlySet<string> {
    return new Set([...parseJwks(this.jwks()).values()].map((key) => key.alg));
  }
}
