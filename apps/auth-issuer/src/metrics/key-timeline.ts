import { activationTime, pendingInOrder, removalTime } from '../keys/lifecycle/key-plan';
import { KeyTiming, plus } from '../keys/lifecycle/key-timing';
import type { SigningKeyEntity } from '../keys/store/signing-key.entity';

type TimelineEvent = 'created' | 'activate_after' | 'activated' | 'retired' | 'remove_after' | 'removed' | 'revoked' | 'rotation_due';

/** One key's life as dates (ISO strings), and the next thing the scheduler will do to it. */
export interface KeyTimelineEntry {
  kid: string;
  alg: string;
  state: string;
  origin: string;
  events: Partial<Record<TimelineEvent, string>>;
  next?: { transition: 'activate' | 'retire' | 'remove'; at: string };
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : undefined);

/**
 * The key table read as a timeline (metrics gauges and the operator console): a pending key activates at its
 * activation time, the active key retires when the first pending key takes over (or one rotation interval after
 * it activated, when none is pending yet), a retired key leaves the JWKS once its last token has expired.
 */
export function keyTimeline(rows: SigningKeyEntity[], timing: KeyTiming): KeyTimelineEntry[] {
  const firstPending = pendingInOrder(rows, timing)[0];
  return rows.map((row) => {
    const events: KeyTimelineEntry['events'] = {
      created: iso(row.createdAt),
      activated: iso(row.activatedAt),
      retired: iso(row.retiredAt),
      removed: iso(row.removedAt),
      revoked: iso(row.revokedAt),
    };
    let next: KeyTimelineEntry['next'];
    if (row.state === 'pending') {
      events.activate_after = iso(activationTime(row, timing));
      next = { transition: 'activate', at: events.activate_after! };
    } else if (row.state === 'active') {
      const due = firstPending ? activationTime(firstPending, timing) : plus(row.activatedAt ?? row.createdAt, timing.rotationIntervalMs);
      events.rotation_due = iso(due);
      next = { transition: 'retire', at: events.rotation_due! };
    } else if (row.state === 'retired') {
      events.remove_after = iso(removalTime(row, timing));
      next = { transition: 'remove', at: events.remove_after! };
    }
    return { kid: row.kid, alg: row.alg, state: row.state, origin: row.origin, events: dropEmpty(events), next };
  });
}

function dropEmpty(events: KeyTimelineEntry['events']): KeyTimelineEntry['events'] {
  return Object.fromEntries(Object.entries(events).filter(([, at]) => at !== undefined));
}
