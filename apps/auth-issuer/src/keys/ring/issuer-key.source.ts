import { Injectable } from '@nestjs/common';
import type { KeySource, VerificationKey } from '@app/auth-guard';
import { SigningKeysService } from './signing-keys.service';

/** Lets the issuer verify its own tokens from the in-memory key ring, without an HTTP round trip to itself. */
@Injectable()
export class IssuerKeySource implements KeySource {
  constructor(private readonly keys: SigningKeysService) {}

  async getKey(kid: string): Promise<VerificationKey | undefined> {
    const key = this.keys.current().byKid.get(kid);
    return key && { kid: key.kid, alg: key.alg, key: key.publicKey };
  }

  isReady(): boolean {
    return this.keys.current().byKid.size > 0;
  }

  algorithms(): ReadonlySet<string> {
    return new Set([...this.keys.current().byKid.values()].map((k) => k.alg));
  }
}
