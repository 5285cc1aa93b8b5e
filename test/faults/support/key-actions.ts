import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { call, HttpResult } from '../../support/http';
import type { FaultLane } from './fault-lane';
import { statesOf, StoredKey } from './key-table';

/** The key states a change leads to if it commits, and the keys it creates ("origin:state"). */
export interface KeyPlan {
  states: Record<string, string>;
  created: string[];
}

export interface PreparedAction {
  /** Starts the change; the promise settles with the answer, or undefined (no request, or the process died). */
  fire(): Promise<HttpResult | undefined>;
  plan: KeyPlan;
}

export interface KeyAction {
  name: string;
  /** A scheduled step that is still due when the issuer restarts is applied by the start-up tick. */
  resumesOnStart: boolean;
  prepare(lane: FaultLane, before: StoredKey[]): Promise<PreparedAction>;
}

const generateRsa = promisify(generateKeyPair);
const only = <T>(rows: T[], what: string): T => {
  if (rows.length !== 1) throw new Error(`expected one ${what}, found ${rows.length}`);
  return rows[0];
};
const current = (before: StoredKey[]) => ({
  active: only(
    before.filter((r) => r.state === 'active'),
    'active key',
  ).kid,
  pending: only(
    before.filter((r) => r.state === 'pending'),
    'pending key',
  ).kid,
});
const answer = (request: Promise<HttpResult>) => request.catch(() => undefined);
let imported = 0;

async function importPlan(lane: FaultLane, before: StoredKey[], activate: boolean): Promise<PreparedAction> {
  const { active, pending } = current(before);
  const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const kid = `imported-${process.pid}-${++imported}-${Date.now()}`;
  const key = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const token = await lane.adminToken();
  const states = activate ? { ...statesOf(before), [active]: 'retired' } : { ...statesOf(before), [pending]: 'removed' };
  return {
    fire: () => answer(call('POST', `${lane.issuer.url}/admin/keys/import`, { token, json: { kid, key, activate } })),
    plan: { states, created: [activate ? 'imported:active' : 'imported:pending'] },
  };
}

/** Every way the key table changes: on demand over the admin API, and on schedule. */
export const KEY_ACTIONS: Record<string, KeyAction> = {
  rotate: {
    name: 'rotate',
    resumesOnStart: false,
    async prepare(lane, before) {
      const { active, pending } = current(before);
      const token = await lane.adminToken();
      return {
        fire: () => answer(call('POST', `${lane.issuer.url}/admin/keys/rotate`, { token })),
        plan: { states: { ...statesOf(before), [active]: 'retired', [pending]: 'active' }, created: ['generated:pending'] },
      };
    },
  },
  revoke: {
    name: 'revoke',
    resumesOnStart: false,
    async prepare(lane, before) {
      const { active, pending } = current(before);
      const token = await lane.adminToken();
      return {
        fire: () => answer(call('POST', `${lane.issuer.url}/admin/keys/${active}/revoke`, { token })),
        plan: { states: { ...statesOf(before), [active]: 'removed', [pending]: 'active' }, created: ['generated:pending'] },
      };
    },
  },
  import: { name: 'import', resumesOnStart: false, prepare: (lane, before) => importPlan(lane, before, false) },
  'import --activate': { name: 'import --activate', resumesOnStart: false, prepare: (lane, before) => importPlan(lane, before, true) },
  /**
   * The scheduler's tick with two steps due at once: the pending key's activation time has come, and the
   * oldest retired key's last token has expired (both moved into the past in the table, as time passing would).
   */
  tick: {
    name: 'tick',
    resumesOnStart: true,
    async prepare(lane, before) {
      const { active, pending } = current(before);
      const expiring = before.find((r) => r.state === 'retired')?.kid;
      const states = { ...statesOf(before), [active]: 'retired', [pending]: 'active', ...(expiring ? { [expiring]: 'removed' } : {}) };
      return {
        fire: async () => {
          await lane.pg.query(`UPDATE signing_keys SET activate_after = now() - interval '1 second' WHERE kid = $1`, [pending]);
          if (expiring) await lane.pg.query(`UPDATE signing_keys SET remove_after = now() - interval '1 second' WHERE kid = $1`, [expiring]);
          return undefined;
        },
        plan: { states, created: ['generated:pending'] },
      };
    },
  },
};

/** Whether the table after a kill shows the change undone, done exactly as planned, or anything else. */
export function outcomeOf(before: StoredKey[], after: StoredKey[], plan: KeyPlan): string {
  const afterStates = statesOf(after);
  const vanished = before.filter((r) => !(r.kid in afterStates)).map((r) => r.kid);
  if (vanished.length > 0) return `rows vanished: ${vanished.join(', ')}`;
  const created = after
    .filter((r) => !before.some((b) => b.kid === r.kid))
    .map((r) => `${r.origin}:${r.state}`)
    .sort();
  if (created.length === 0 && before.every((r) => afterStates[r.kid] === r.state)) return 'rolled back';
  const asPlanned = before.every((r) => afterStates[r.kid] === plan.states[r.kid]) && JSON.stringify(created) === JSON.stringify([...plan.created].sort());
  if (asPlanned) return 'committed';
  const changed = before
    .filter((r) => afterStates[r.kid] !== r.state)
    .map((r) => `${r.kid}: ${r.state} -> ${afterStates[r.kid]} (planned ${plan.states[r.kid]})`);
  return `unexpected: ${[...changed, `created ${created.join(' ') || 'nothing'} (planned ${plan.created.join(' ')})`].join('; ')}`;
}
