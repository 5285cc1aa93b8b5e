import { createPrivateKey, KeyObject, sign } from 'node:crypto';
import { Client } from 'pg';
import { decryptPrivateKey } from '../../apps/auth-issuer/src/keys/material/key-encryption';
import { b64url } from './http';

/**
 * Signs arbitrary headers and claims with the issuer's real active key, read from the test database.
 * Lets tests isolate one claim check at a time (a wrong `aud` under a valid signature, say).
 */
export class TokenForge {
  private constructor(
    readonly kid: string,
    readonly alg: string,
    private readonly privateKey: KeyObject,
  ) {}

  static async fromDatabase(databaseUrl: string, keyEncryptionKeyBase64: string): Promise<TokenForge> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query(`SELECT kid, alg, private_key_encrypted FROM signing_keys WHERE state = 'active'`);
    await client.end();
    const [row] = rows;
    const der = decryptPrivateKey(Buffer.from(keyEncryptionKeyBase64, 'base64'), row.kid, row.private_key_encrypted);
    return new TokenForge(row.kid, row.alg, createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  }

  /** Signs exactly the given header and payload (RS256/ES256 raw, as an attacker holding the key would). */
  signRaw(header: Record<string, unknown>, payload: Record<string, unknown> | string): string {
    const input = `${b64url(header)}.${typeof payload === 'string' ? b64url(payload) : b64url(payload)}`;
    const signature =
      this.alg === 'ES256'
        ? sign('sha256', Buffer.from(input), { key: this.privateKey, dsaEncoding: 'ieee-p1363' })
        : sign(this.alg === 'EdDSA' ? null : 'sha256', Buffer.from(input), this.privateKey);
    return `${input}.${signature.toString('base64url')}`;
  }

  /** A valid-looking access token, with `overrides` applied (undefined deletes a claim). */
  sign(issuer: string, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      iss: issuer,
      sub: 'forged-subject',
      aud: ['orders-api', 'billing-api'],
      iat: now,
      exp: now + 300,
      jti: `forged-${Math.random().toString(36).slice(2)}`,
      roles: ['user'],
      scope: '',
      ...claims,
    };
    for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
    return this.signRaw({ alg: this.alg, typ: 'at+jwt', kid: this.kid, ...header }, payload);
  }
}
