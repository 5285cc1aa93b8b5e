import { generateKeyPairSync, KeyObject, randomBytes, sign } from 'node:crypto';

export type LocalAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * A key pair made in the test process, for tests that build tokens themselves: no issuer, no database.
 * Signs exactly the header and payload given (as an attacker holding the key could).
 */
export class LocalKey {
  private constructor(
    readonly kid: string,
    readonly alg: LocalAlg,
    readonly privateKey: KeyObject,
    readonly publicKey: KeyObject,
  ) {}

  static generate(alg: LocalAlg, kid = `${alg.toLowerCase()}-${randomBytes(4).toString('hex')}`): LocalKey {
    const pair =
      alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : alg === 'EdDSA'
          ? generateKeyPairSync('ed25519')
          : generateKeyPairSync('rsa', { modulusLength: 2048 });
    return new LocalKey(kid, alg, pair.privateKey, pair.publicKey);
  }

  /** The public JWK as an issuer would publish it. */
  jwk(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { ...this.publicKey.export({ format: 'jwk' }), kid: this.kid, alg: this.alg, use: 'sig', ...overrides };
  }

  signRaw(header: Record<string, unknown> | string, payload: Record<string, unknown> | string): string {
    const input = `${b64url(header)}.${b64url(payload)}`;
    const data = Buffer.from(input);
    const signature =
      this.alg === 'ES256'
        ? sign('sha256', data, { key: this.privateKey, dsaEncoding: 'ieee-p1363' })
        : this.alg === 'EdDSA'
          ? sign(null, data, this.privateKey)
          : this.alg === 'PS256'
            ? sign('sha256', data, { key: this.privateKey, padding: 6, saltLength: 32 })
            : sign('sha256', data, this.privateKey);
    return `${input}.${signature.toString('base64url')}`;
  }

  /** A valid access token for `iss`/`aud`; `claims` override (undefined deletes), `header` overrides likewise. */
  token(base: { iss: string; aud: string | string[] }, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string {
    return this.signRaw(dropUndefined({ alg: this.alg, typ: 'at+jwt', kid: this.kid, ...header }), dropUndefined({ ...accessClaims(base), ...claims }));
  }
}

export function accessClaims({ iss, aud }: { iss: string; aud: string | string[] }, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return { iss, aud, sub: 'user-1', iat: nowSeconds, exp: nowSeconds + 300, jti: randomBytes(12).toString('hex'), roles: ['user'], scope: 'orders:read' };
}

export function jwksOf(...keys: LocalKey[]): { keys: Record<string, unknown>[] } {
  return { keys: keys.map((key) => key.jwk()) };
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
