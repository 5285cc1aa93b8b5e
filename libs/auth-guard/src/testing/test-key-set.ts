import { FIRST_PARTY_CLIENT_ID } from '@app/contract';
import type { KeySource } from '../keys/key-source';
import { jwksOf, LocalAlg, LocalKey } from './local-key';
import { LocalKeySource } from './local-key-source';
import { TestingError } from './testing.error';

export interface TestKeySetOptions {
  /** Algorithm of the first key (and of rotations unless told otherwise). Default RS256. */
  alg?: LocalAlg;
  /** `iss` of minted tokens; give the guard the same `issuer`. Default `https://issuer.test`. */
  issuer?: string;
  /** `aud` of minted tokens. Default `test-api`. */
  audience?: string | string[];
}

export interface MintOptions {
  /** Header members to override; `undefined` deletes one. */
  header?: Record<string, unknown>;
  /** Lifetime in seconds from now (`exp` = `iat` + this). Default 300; negative mints an expired token. */
  expiresIn?: number;
}

/**
 * Keys made in the test process and access tokens of the contract's shape signed with them: header
 * `{alg, typ: 'at+jwt', kid}`, claims `iss sub aud exp iat jti roles scope client_id`. For tests only.
 *
 * @example
 * const keys = TestKeySet.generate({ alg: 'ES256', issuer: 'https://issuer.test', audience: 'reports-api' });
 * AuthGuardModule.forRoot({ issuer: keys.issuer, audience: 'reports-api', keySource: keys.keySource() });
 * const token = keys.mint({ sub: 'alice', roles: ['admin'] });
 */
export class TestKeySet {
  private readonly list: LocalKey[];

  private constructor(
    readonly issuer: string,
    readonly audience: string | string[],
    first: LocalKey,
  ) {
    this.list = [first];
  }

  static generate({ alg = 'RS256', issuer = 'https://issuer.test', audience = 'test-api' }: TestKeySetOptions = {}): TestKeySet {
    return new TestKeySet(issuer, audience, LocalKey.generate(alg));
  }

  /** Every published key, oldest first; the last one signs. */
  get keys(): readonly LocalKey[] {
    return [...this.list];
  }

  get signingKey(): LocalKey {
    return this.list[this.list.length - 1];
  }

  /** The public JWKS, as an issuer serves it. */
  jwks(): { keys: Record<string, unknown>[] } {
    return jwksOf(...this.list);
  }

  /** A signed access token; `claims` override the defaults (`undefined` deletes one). */
  mint(claims: Record<string, unknown> = {}, { header = {}, expiresIn = 300 }: MintOptions = {}): string {
    const iat = typeof claims.iat === 'number' ? claims.iat : Math.floor(Date.now() / 1000);
    return this.signingKey.token({ iss: this.issuer, aud: this.audience }, { client_id: FIRST_PARTY_CLIENT_ID, iat, exp: iat + expiresIn, ...claims }, header);
  }

  /** A new signing key; the old ones stay published (as after an issuer's rotation) until `withdraw`. */
  rotate(alg: LocalAlg = this.signingKey.alg): LocalKey {
    const key = LocalKey.generate(alg);
    this.list.push(key);
    return key;
  }

  /** Stops publishing `kid`: tokens it signed no longer verify. The signing key cannot be withdrawn. */
  withdraw(kid: string): void {
    if (kid === this.signingKey.kid) throw new TestingError('ERR_TEST_KEY_IN_USE', `${kid} signs; rotate first`);
    const index = this.list.findIndex((key) => key.kid === kid);
    if (index >= 0) this.list.splice(index, 1);
  }

  /** A KeySource for AuthGuardModule's `keySource` option: this set's public keys, read live, no HTTP. */
  keySource(): KeySource {
    return new LocalKeySource(() => this.jwks());
  }
}
