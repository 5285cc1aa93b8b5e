import { Injectable, Optional } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { HashSlots } from './hash-slots';

/** Longest accepted password in bytes; longer input is refused before any hashing work. */
export const MAX_PASSWORD_BYTES = 1024;

/** Algorithm.Argon2id of @node-rs/argon2, a const enum that isolated-module compilers cannot inline. */
const ARGON2ID = 2;

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane); test fixtures hash with the same. */
export const ARGON2_PARAMS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  /** A hash of a random password, verified against when the user is unknown so timing matches. */
  private readonly decoy = hash(`decoy-${Math.random()}`, ARGON2_PARAMS);

  /** Slots bound the issuer's memory under load; a one-shot CLI hashes without them. */
  constructor(@Optional() private readonly slots?: HashSlots) {}

  hash(password: string): Promise<string> {
    return this.bounded(() => hash(password, ARGON2_PARAMS));
  }

  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    const against = passwordHash ?? (await this.decoy);
    return this.bounded(() => verify(against, password).catch(() => false));
  }

  private bounded<T>(work: () => Promise<T>): Promise<T> {
    return this.slots ? this.slots.run(work) : work();
  }
}
