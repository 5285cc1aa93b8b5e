import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Ended sessions share the journal's id column with jtis, told apart by this mark (jtis are UUIDs). */
export const ENDED_SESSION_MARK = 'sid:';

export interface LiveRevocations {
  /** jti → seconds until the entry may go. */
  jtis: [string, number][];
  /** subject → [cut-off (epoch seconds), seconds until the entry may go]. */
  cutoffs: [string, number, number][];
}

/**
 * The durable copy of what guards read from Redis. Written alongside every Redis write;
 * read back when Redis has lost its data (see RevocationReseeder).
 */
@Injectable()
export class RevocationJournal {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `manager`: write inside the caller's transaction (a rotation's denial commits or rolls back with it). */
  async recordJti(jti: string, ttlSeconds: number, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, now() + make_interval(secs => $2))
       ON CONFLICT (jti) DO UPDATE SET expires_at = GREATEST(revoked_tokens.expires_at, EXCLUDED.expires_at)`,
      [jti, ttlSeconds],
    );
  }

  async recordCutoff(subject: string, at: number, ttlSeconds: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO subject_cutoffs (subject, cutoff_at, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (subject) DO UPDATE SET cutoff_at = GREATEST(subject_cutoffs.cutoff_at, EXCLUDED.cutoff_at), expires_at = GREATEST(subject_cutoffs.expires_at, EXCLUDED.expires_at)`,
      [subject, at, ttlSeconds],
    );
  }

  async live(): Promise<LiveRevocations> {
    const ttl = `GREATEST(1, CEIL(EXTRACT(EPOCH FROM expires_at - now())))::int AS ttl`;
    const jtis = await this.dataSource.query<{ jti: string; ttl: number }[]>(`SELECT jti, ${ttl} FROM revoked_tokens WHERE expires_at > now()`);
    const cutoffs = await this.dataSource.query<{ subject: string; at: string; ttl: number }[]>(
      `SELECT subject, cutoff_at::text AS at, ${ttl} FROM subject_cutoffs WHERE expires_at > now()`,
    );
    return {
      jtis: jtis.map((r) => [r.jti, r.ttl]),
      cutoffs: cutoffs.map((r) => [r.subject, Number(r.at), r.ttl]),
    };
  }

  /**
   * The journal's own answer to "is this token revoked?" (denied jti, ended session, cut-off), for when Redis
   * has lost its data and is not re-seeded yet. Entries past `expires_at` are ignored as Redis would have let them go.
   */
  async isRevoked(claims: { jti: string; sub: string; iat: number; sid?: string }): Promise<boolean> {
    const ids = [claims.jti, ...(typeof claims.sid === 'string' ? [`${ENDED_SESSION_MARK}${claims.sid}`] : [])];
    const [row] = await this.dataSource.query<({ revoked: boolean } | undefined)[]>(
      `SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ANY($1) AND expires_at > now())
           OR EXISTS (SELECT 1 FROM subject_cutoffs WHERE subject = $2 AND cutoff_at >= $3 AND expires_at > now()) AS revoked`,
      [ids, claims.sub, claims.iat],
    );
    return row?.revoked === true;
  }

  /** Drops entries whose tokens have all expired; bounded per call so it never holds a long lock. */
  async prune(): Promise<void> {
    await this.dataSource.query(`DELETE FROM revoked_tokens WHERE jti IN (SELECT jti FROM revoked_tokens WHERE expires_at <= now() LIMIT 10000)`);
    await this.dataSource.query(`DELETE FROM subject_cutoffs WHERE subject IN (SELECT subject FROM subject_cutoffs WHERE expires_at <= now() LIMIT 10000)`);
  }
}
