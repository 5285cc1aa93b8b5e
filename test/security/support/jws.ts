import { createHmac, createPrivateKey, KeyObject, sign } from 'node:crypto';
import { Client } from 'pg';
import { decryptPrivateKey } from '../../../apps/auth-issuer/src/keys/material/key-encryption';

export const enc = (value: string | Buffer | object) =>
  Buffer.isBuffer(value) ? value.toString('base64url') : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** The issuer's active private key, read from the test database (what TokenForge uses, exposed for other algorithms). */
export async function issuerPrivateKey(databaseUrl: string, kekBase64: string): Promise<{ kid: string; key: KeyObject }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query(`SELECT kid, private_key_encrypted FROM signing_keys WHERE state = 'active'`);
  await client.end();
  const der = decryptPrivateKey(Buffer.from(kekBase64, 'base64'), rows[0].kid, rows[0].private_key_encrypted);
  return { kid: rows[0].kid, key: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
}

/** Signing input from raw header and payload JSON text, so duplicate keys and odd spacing survive. */
export const signingInput = (headerJson: string, payloadJson: string) => `${enc(headerJson)}.${enc(payloadJson)}`;

const HASH: Record<string, string> = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };

/** Signs `input` as `alg` would: HMAC with `key` bytes; RSA, RSA-PSS, ECDSA and EdDSA with a private KeyObject. */
export function signAs(alg: string, input: string, key: KeyObject | Buffer | string): string {
  const bits = alg.slice(2);
  if (alg.startsWith('HS')) return createHmac(HASH[bits], key).update(input).digest('base64url');
  if (alg.startsWith('RS')) return sign(HASH[bits], Buffer.from(input), key).toString('base64url');
  if (alg.startsWith('PS'))
    return sign(HASH[bits], Buffer.from(input), { key: key as KeyObject, padding: 6, saltLength: Number(bits) / 8 }).toString('base64url');
  if (alg.startsWith('ES')) return sign(HASH[bits], Buffer.from(input), { key: key as KeyObject, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  if (alg === 'EdDSA') return sign(null, Buffer.from(input), key).toString('base64url');
  throw new Error(`no signer for ${alg}`);
}

/** A compact JWS from raw JSON text and a signing function. */
export function compact(headerJson: string, payloadJson: string, signer: (input: string) => string): string {
  const input = signingInput(headerJson, payloadJson);
  return `${input}.${signer(input)}`;
}

/** Claims of a valid-looking access token for `audience`, with overrides (undefined deletes a claim). */
export function claimsFor(issuer: string, audience: string | string[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: issuer,
    sub: 'attacker-subject',
    aud: audience,
    iat: now,
    exp: now + 300,
    jti: `jti-${Math.random().toString(36).slice(2)}`,
    roles: ['user'],
    scope: '',
    ...overrides,
  };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  return claims;
}
