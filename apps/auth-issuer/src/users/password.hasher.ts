import { Injectable, Optional } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { HashSlots } from '../throttle/hash-slots';

/** Longest accepted password in bytes; longer input is refused before any hashing work. */
export const MAX_PASSWORD_BYTES = 1024;

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane).
const PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  /** A hash of a random password, verified against when the user is unknown so timing matches. */
  private readonly decoy = hash(`decoy-${Math.random()}`, PARAMS);

  /** Slots bound the issuer's memory under load; a one-shot CLI hashes without them. */
  constructor(@Optional() private readonly slots?: HashSlots) {}

  hash(password: string): Promise<string> {
    return this.bounded(() => hash(password, PARAMS));
  }

  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    const against = passwordHash ?? (await this.decoy);
    return this.bounded(() => verify(against, password).catch(() => false));
  }

  private bounded<T>(work: () => Promise<T>): Promise<T> {
    return this.slots ? this.slots.run(work) : work();
  }
}
