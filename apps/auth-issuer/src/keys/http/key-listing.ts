import type { SigningKeyEntity } from '../store/signing-key.entity';

/** What operators see of a key (API and CLI): identity, state and dates, never key material. */
export interface KeyListing {
  kid: string;
  alg: string;
  state: string;
  origin: string;
  created_at: string;
  activate_after: string | null;
  activated_at: string | null;
  retired_at: string | null;
  remove_after: string | null;
  removed_at: string | null;
  revoked_at: string | null;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function listKeys(rows: SigningKeyEntity[]): KeyListing[] {
  return rows.map((row) => ({
    kid: row.kid,
    alg: row.alg,
    state: row.state,
    origin: row.origin,
    created_at: row.createdAt.toISOString(),
    activate_after: iso(row.activateAfter),
    activated_at: iso(row.activatedAt),
    retired_at: iso(row.retiredAt),
    remove_after: iso(row.removeAfter),
    removed_at: iso(row.removedAt),
    revoked_at: iso(row.revokedAt),
  }));
}
