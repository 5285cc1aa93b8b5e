import type { SigningAlgorithm } from '../../config/issuer.config';
import { KeyTiming, later, plus } from './key-timing';
import type { SigningKeyEntity } from '../store/signing-key.entity';

/**
 * What one lifecycle tick does, decided from the stored rows and the time alone: any replica,
 * after any restart, reaches the same decision, and applying it twice changes nothing more.
 */
export interface TickPlan {
  /** Pending key that signs from now on; the active key (if any) retires in the same transaction. */
  activate?: SigningKeyEntity;
  /** Nothing signs and nothing is pending (first start): generate a key that signs at once. */
  generateActive: boolean;
  /** Retired keys whose last token has expired: leave the JWKS, private key destroyed. */
  remove: SigningKeyEntity[];
  /** A generated pending key of another algorithm than SIGNING_ALG; it never signed, so replacing it is safe. */
  replacePending?: SigningKeyEntity;
  /** The next key, published now so verifiers know it before it signs. */
  generatePending?: { activateAfter: Date };
}

/** When a pending key may sign (rows written before activate_after existed: created + lead time). */
export function activationTime(row: SigningKeyEntity, timing: KeyTiming): Date {
  return row.activateAfter ?? plus(row.createdAt, timing.leadMs);
}

/** When a retired key may leave the JWKS. */
export function removalTime(row: SigningKeyEntity, timing: KeyTiming): Date {
  return row.removeAfter ?? plus(row.retiredAt ?? row.createdAt, timing.removalDelayMs);
}

/** Pending keys in the order they will sign. */
export function pendingInOrder(rows: SigningKeyEntity[], timing: KeyTiming): SigningKeyEntity[] {
  return rows
    .filter((row) => row.state === 'pending')
    .sort((a, b) => activationTime(a, timing).getTime() - activationTime(b, timing).getTime() || a.createdAt.getTime() - b.createdAt.getTime());
}

export function planTick(rows: SigningKeyEntity[], now: Date, timing: KeyTiming, alg: SigningAlgorithm): TickPlan {
  const active = rows.find((row) => row.state === 'active');
  const [next, ...laterPending] = pendingInOrder(rows, timing);
  const plan: TickPlan = {
    generateActive: false,
    remove: rows.filter((row) => row.state === 'retired' && removalTime(row, timing) <= now),
  };
  let activeSince = active?.activatedAt ?? now;
  if (!active || (next && activationTime(next, timing) <= now)) {
    // With no active key there is no token to protect, so even a young pending key may sign at once.
    if (next) plan.activate = next;
    else plan.generateActive = true;
    activeSince = now;
  }
  const stillPending = plan.activate ? laterPending[0] : next;
  const nextRotation = later(plus(now, timing.leadMs), plus(activeSince, timing.rotationIntervalMs));
  if (!stillPending) {
    plan.generatePending = { activateAfter: nextRotation };
  } else if (stillPending.origin === 'generated' && stillPending.alg !== alg) {
    // Its replacement is published only now, so it keeps the full lead time before signing.
    plan.replacePending = stillPending;
    plan.generatePending = { activateAfter: later(plus(now, timing.leadMs), activationTime(stillPending, timing)) };
  }
  return plan;
}

export function isIdle(plan: TickPlan): boolean {
  return !plan.activate && !plan.generateActive && plan.remove.length === 0 && !plan.replacePending && !plan.generatePending;
}
