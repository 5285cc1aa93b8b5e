import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { Client } from 'pg';
import { decryptPrivateKey } from '../../../apps/auth-issuer/src/keys/material/key-encryption';

export interface StoredKey {
  kid: string;
  state: 'pending' | 'active' | 'retired' | 'removed';
  origin: 'generated' | 'imported';
  public_jwk: Record<string, string>;
  private_key_encrypted: string | null;
  created_at: Date;
  activated_at: Date | null;
  retired_at: Date | null;
  remove_after: Date | null;
  removed_at: Date | null;
  revoked_at: Date | null;
}

export const PUBLISHED = ['pending', 'active', 'retired'];

export async function readKeys(pg: Client): Promise<StoredKey[]> {
  return (await pg.query<StoredKey>('SELECT * FROM signing_keys ORDER BY created_at, kid')).rows;
}

export const statesOf = (rows: StoredKey[]): Record<string, string> => Object.fromEntries(rows.map((r) => [r.kid, r.state]));

/**
 * Everything that must hold of the key table at rest, whatever happened before: one signer, one next
 * key, private halves exactly where the state says and decryptable to the published public half,
 * removals that a plan explains, and one audit record for every key that exists (none for keys that do not).
 */
export async function keyTableProblems(pg: Client, kek: Buffer): Promise<string[]> {
  const rows = await readKeys(pg);
  const problems: string[] = [];
  const count = (state: string) => rows.filter((r) => r.state === state).length;
  if (count('active') !== 1) problems.push(`${count('active')} active keys`);
  if (count('pending') !== 1) problems.push(`${count('pending')} pending keys`);
  for (const row of rows) {
    if (row.state === 'removed') {
      if (row.private_key_encrypted !== null) problems.push(`${row.kid}: removed but keeps its private key`);
      const expired = row.remove_after !== null && row.removed_at !== null && row.remove_after <= row.removed_at;
      const replaced =
        row.activated_at === null && rows.some((other) => other.origin === 'imported' && other.created_at.getTime() === row.removed_at?.getTime());
      if (!row.revoked_at && !expired && !replaced) problems.push(`${row.kid}: removed without revocation, expiry or replacement`);
      continue;
    }
    const mismatch = privateKeyProblem(row, kek);
    if (mismatch) problems.push(`${row.kid}: ${mismatch}`);
  }
  const audited = (
    await pg.query<{ kid: string; n: string }>(
      `SELECT details->>'kid' AS kid, count(*) AS n FROM audit_events WHERE type IN ('key_generated', 'key_imported') GROUP BY 1`,
    )
  ).rows;
  const auditCount = new Map(audited.map((r) => [r.kid, Number(r.n)]));
  for (const row of rows) if (auditCount.get(row.kid) !== 1) problems.push(`${row.kid}: ${auditCount.get(row.kid) ?? 0} creation audit records`);
  for (const kid of auditCount.keys()) if (!rows.some((r) => r.kid === kid)) problems.push(`${kid}: audited but never stored`);
  const activations = Number((await pg.query(`SELECT count(*) AS n FROM audit_events WHERE type = 'key_activated'`)).rows[0].n);
  const activated = rows.filter((r) => r.activated_at !== null).length;
  if (activations !== activated) problems.push(`${activated} keys activated, ${activations} activations audited`);
  return problems;
}

/** The stored private half decrypts under the KEK and is the partner of the published public half. */
function privateKeyProblem(row: StoredKey, kek: Buffer): string | undefined {
  if (!row.private_key_encrypted) return 'published without a private key';
  try {
    const der = decryptPrivateKey(kek, row.kid, row.private_key_encrypted);
    const publicJwk = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' }) as Record<string, string>;
    const published = row.public_jwk;
    const same = ['n', 'e', 'crv', 'x', 'y'].every((member) => publicJwk[member] === published[member]);
    return same ? undefined : 'private key does not match the published public key';
  } catch (error) {
    return `private key does not decrypt: ${(error as Error).message}`;
  }
}

/** The JWKS the issuer serves equals the published rows, member for member. */
export function jwksProblems(jwks: { keys: Record<string, string>[] }, rows: StoredKey[]): string[] {
  const served = new Map(jwks.keys.map((k) => [k.kid, k]));
  const published = rows.filter((r) => PUBLISHED.includes(r.state));
  const problems: string[] = [];
  for (const row of published) {
    const jwk = served.get(row.kid);
    if (!jwk) problems.push(`${row.kid} (${row.state}) missing from the JWKS`);
    else if (!sameMembers(jwk, row.public_jwk)) problems.push(`${row.kid}: JWKS entry differs from the stored public key`);
  }
  for (const kid of served.keys()) if (!published.some((r) => r.kid === kid)) problems.push(`${kid} in the JWKS but not published in the table`);
  return problems;
}

function sameMembers(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a).sort();
  return JSON.stringify(keys) === JSON.stringify(Object.keys(b).sort()) && keys.every((k) => a[k] === b[k]);
}
