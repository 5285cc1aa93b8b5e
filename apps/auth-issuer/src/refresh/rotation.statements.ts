import { FaultError } from '@app/platform';
import { escapeLiteral } from 'pg';

/** The node-postgres connection a rotation runs on (QueryRunner.connect()), reduced to what it calls. */
export interface RotationConnection {
  query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] } | { rows: R[] }[]>;
}

/** A refresh token's row as a rotation sees it under the subject lock, with its user's and client's rows. */
export interface LockedRefreshRow {
  id: string;
  subject: string;
  familyId: string;
  clientId: string | null;
  scope: string;
  expiresAt: Date;
  spent: boolean;
  revoked: boolean;
  /** Any member of the family revoked: the family is over, whatever this row says. */
  familyRevoked: boolean;
  accessJti: string | null;
  accessExpiresAt: Date | null;
  /** The subject's user (null: gone) and the token's client (null: first-party or gone). */
  user: { id: string; roles: string[]; disabled: boolean } | null;
  client: { clientId: string; allowedAudiences: string[]; disabled: boolean } | null;
}

/** What the successor row holds; `denied` is the replaced access token, journaled in the same statement. */
export interface Successor {
  spentRowId: string;
  spentAt: Date;
  tokenHash: string;
  familyId: string;
  subject: string;
  clientId: string | null;
  scope: string;
  expiresAt: Date;
  accessJti: string;
  accessExpiresAt: Date;
  denied?: { jti: string; ttlSeconds: number };
}

interface RawRow {
  id: string;
  subject: string;
  family_id: string;
  client_id: string | null;
  scope: string;
  expires_at: Date;
  spent: boolean;
  revoked: boolean;
  family_revoked: boolean;
  access_jti: string | null;
  access_expires_at: Date | null;
  user_id: string | null;
  user_roles: string[] | null;
  user_disabled: boolean | null;
  c_id: string | null;
  c_audiences: string[] | null;
  c_disabled: boolean | null;
}

const TOKEN_HASH = /^[A-Za-z0-9_-]{43}$/;

/**
 * Opens the transaction, takes the subject's advisory lock and reads the token's row (locked), its family's
 * revocation state and its user's and client's rows: one round trip. Simple-protocol statements each take a
 * fresh snapshot, so the read sees everything committed by whoever held the lock before. The hash is inlined
 * (the simple protocol has no parameters); it is our own SHA-256 in base64url, checked again here.
 */
export async function beginAndLock(connection: RotationConnection, lockClass: number, tokenHash: string): Promise<LockedRefreshRow | undefined> {
  if (!TOKEN_HASH.test(tokenHash)) throw new FaultError('ERR_INTERNAL', 'refresh token hash is not base64url SHA-256');
  const results = await connection.query<RawRow>(
    `BEGIN;
     SELECT pg_advisory_xact_lock(${lockClass}, hashtext(subject)) FROM refresh_tokens WHERE token_hash = '${tokenHash}';
     SELECT r.id, r.subject, r.family_id, r.client_id, r.scope, r.expires_at, r.spent_at IS NOT NULL AS spent,
            r.revoked_at IS NOT NULL AS revoked, r.access_jti, r.access_expires_at,
            EXISTS (SELECT 1 FROM refresh_tokens f WHERE f.family_id = r.family_id AND f.revoked_at IS NOT NULL) AS family_revoked,
            u.id AS user_id, u.roles AS user_roles, u.disabled AS user_disabled,
            c.client_id AS c_id, c.allowed_audiences AS c_audiences, c.disabled AS c_disabled
       FROM refresh_tokens r
       LEFT JOIN users u ON u.id = r.subject::uuid
       LEFT JOIN clients c ON c.client_id = r.client_id
      WHERE r.token_hash = '${tokenHash}'
        FOR UPDATE OF r`,
  );
  const raw = (results as { rows: RawRow[] }[])[2].rows[0];
  if (!raw) return undefined;
  return {
    id: raw.id,
    subject: raw.subject,
    familyId: raw.family_id,
    clientId: raw.client_id,
    scope: raw.scope,
    expiresAt: raw.expires_at,
    spent: raw.spent,
    revoked: raw.revoked,
    familyRevoked: raw.family_revoked,
    accessJti: raw.access_jti,
    accessExpiresAt: raw.access_expires_at,
    user: raw.user_id === null ? null : { id: raw.user_id, roles: raw.user_roles ?? [], disabled: raw.user_disabled === true },
    client: raw.c_id === null ? null : { clientId: raw.c_id, allowedAudiences: raw.c_audiences ?? [], disabled: raw.c_disabled === true },
  };
}

/**
 * Spends the row, inserts its successor, journals the replaced access token's denial (RevocationJournal.recordJti's
 * upsert) and commits: one round trip. The simple protocol has no parameters, so every value is inlined as a
 * literal (pg's escapeLiteral; dates as ISO strings, numbers checked to be integers). On an error PostgreSQL skips
 * the COMMIT and the transaction stays open for the caller's ROLLBACK.
 */
export async function spendInsertAndCommit(connection: RotationConnection, next: Successor): Promise<void> {
  const journal = next.denied
    ? `, journal AS (INSERT INTO revoked_tokens (jti, expires_at) VALUES (${text(next.denied.jti)}, now() + make_interval(secs => ${integer(next.denied.ttlSeconds)}))
         ON CONFLICT (jti) DO UPDATE SET expires_at = GREATEST(revoked_tokens.expires_at, EXCLUDED.expires_at))`
    : '';
  await connection.query(
    `WITH spent AS (UPDATE refresh_tokens SET spent_at = ${at(next.spentAt)} WHERE id = ${text(next.spentRowId)}::uuid)${journal}
     INSERT INTO refresh_tokens (token_hash, family_id, subject, client_id, scope, created_at, expires_at, access_jti, access_expires_at)
     VALUES (${text(next.tokenHash)}, ${text(next.familyId)}::uuid, ${text(next.subject)}, ${text(next.clientId)}, ${text(next.scope)},
             ${at(next.spentAt)}, ${at(next.expiresAt)}, ${text(next.accessJti)}, ${at(next.accessExpiresAt)});
     COMMIT`,
  );
}

function text(value: string | null): string {
  return value === null ? 'NULL' : escapeLiteral(value);
}

function at(date: Date): string {
  return `${escapeLiteral(date.toISOString())}::timestamptz`;
}

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new FaultError('ERR_INTERNAL', 'not an integer');
  return String(value);
}
