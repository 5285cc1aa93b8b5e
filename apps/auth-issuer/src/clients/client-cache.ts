import { Inject, Injectable } from '@nestjs/common';
import { ISSUER_CONFIG, IssuerConfig } from '../config/issuer.config';
import type { ClientEntity } from './client.entity';

/** Ids remembered at once; spraying random client_ids past it evicts the oldest, never grows memory. */
const MAX_ENTRIES = 10_000;

/**
 * Client rows by client_id for CLIENT_CACHE_TTL seconds, so a service's every grant does not read its row.
 * Unknown ids are remembered too: a known and an unknown id then cost the same (no enumeration by timing).
 * Clients change only in the database (created by the CLI, disabled or given a new secret by an operator's
 * SQL): a running issuer sees such a change within the TTL; 0 reads the row on every authentication.
 */
@Injectable()
export class ClientCache {
  private readonly entries = new Map<string, { row: Promise<ClientEntity | null>; until: number }>();
  private readonly ttlMs: number;

  constructor(@Inject(ISSUER_CONFIG) config: IssuerConfig) {
    this.ttlMs = config.clientCacheTtl * 1000;
  }

  /** The cached row (or absence) of `clientId`, else what `load` reads; concurrent misses share one read. */
  get(clientId: string, load: () => Promise<ClientEntity | null>): Promise<ClientEntity | null> {
    if (this.ttlMs === 0) return load();
    const now = Date.now();
    const hit = this.entries.get(clientId);
    if (hit && hit.until > now) return hit.row;
    this.entries.delete(clientId);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    const row = load();
    const entry = { row, until: now + this.ttlMs };
    this.entries.set(clientId, entry);
    // A failed read is not remembered: the next request reads again.
    row.catch(() => this.entries.get(clientId) === entry && this.entries.delete(clientId));
    return row;
  }

  /** Drops what this process itself just changed (a secret moved to the keyed hash). */
  forget(clientId: string): void {
    this.entries.delete(clientId);
  }
}
