import Redis from 'ioredis';
import { Client } from 'pg';

const TABLES = ['users', 'clients', 'signing_keys', 'refresh_tokens', 'revoked_tokens', 'subject_cutoffs', 'audit_events'];

/**
 * Refused attempts are security events the issuer is meant to record: failed logins and failed client
 * authentications (and their throttling) may add audit rows and throttle counters. Nothing else may
 * change: no user, client, key, session, revocation or any other audit event.
 */
const ALLOWED_AUDIT = new Set(['login_failure', 'login_throttled', 'client_auth_failure', 'client_auth_throttled']);
const ALLOWED_REDIS = [/^login-fail:/, /^client-fail:/];

export interface StoreState {
  rows: Record<string, number>;
  audit: Record<string, number>;
  redis: Map<string, string>;
}

/** Row counts, audit events by type, and every Redis key under the prefix with its value (counters aside). */
export async function readState(databaseUrl: string, redisUrl: string, prefix: string): Promise<StoreState> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    const rows: Record<string, number> = {};
    for (const table of TABLES) rows[table] = Number((await pg.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    const audit: Record<string, number> = {};
    for (const row of (await pg.query('SELECT type, count(*) AS n FROM audit_events GROUP BY type')).rows) audit[row.type] = Number(row.n);
    await redis.connect();
    const keys = await redis.keys(`${prefix}*`);
    const state = new Map<string, string>();
    for (const key of keys.sort()) {
      const name = key.slice(prefix.length);
      if (ALLOWED_REDIS.some((allowed) => allowed.test(name))) continue;
      const type = await redis.type(key);
      state.set(name, type === 'string' ? ((await redis.get(key)) ?? '') : type);
    }
    return { rows, audit, redis: state };
  } finally {
    await pg.end();
    redis.disconnect();
  }
}

/** What changed between two states beyond what ALLOWED_* permits; empty when nothing was written. */
export function unexpectedWrites(before: StoreState, after: StoreState): string[] {
  const problems: string[] = [];
  for (const table of TABLES) {
    if (table === 'audit_events') continue;
    if (before.rows[table] !== after.rows[table]) problems.push(`${table}: ${before.rows[table]} -> ${after.rows[table]} rows`);
  }
  for (const type of new Set([...Object.keys(before.audit), ...Object.keys(after.audit)])) {
    if (ALLOWED_AUDIT.has(type)) continue;
    if ((before.audit[type] ?? 0) !== (after.audit[type] ?? 0)) problems.push(`audit ${type}: ${before.audit[type] ?? 0} -> ${after.audit[type] ?? 0}`);
  }
  for (const key of new Set([...before.redis.keys(), ...after.redis.keys()])) {
    if (before.redis.get(key) !== after.redis.get(key)) problems.push(`redis ${key}: ${before.redis.get(key)} -> ${after.redis.get(key)}`);
  }
  return problems;
}

/** Deletes the run's keys from the shared Redis. */
export async function dropPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
