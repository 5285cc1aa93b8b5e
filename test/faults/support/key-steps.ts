import type { FreezeWhen } from './step-proxy';

/** The statement that opens every key change: the cluster-wide key lock, taken first in its transaction. */
const KEY_LOCK = /pg_advisory_xact_lock/;
const KEY_WRITE = /(UPDATE|INSERT INTO) "signing_keys"/;
/** A simple-protocol Query message ('Q', int32 length) carrying COMMIT or ROLLBACK. */
const END = /^Q[\s\S]{4}(COMMIT|ROLLBACK)\0/;

/** Inside a key transaction: the lock was taken on this connection and the transaction has not ended. */
function openKeyTransaction(requests: string[] | undefined): requests is string[] {
  return requests !== undefined && !requests.some((text) => END.test(text));
}

/**
 * Points in a key change where a test can stop the issuer's database connection: before the key lock,
 * before the n-th write to signing_keys, before COMMIT reaches the server, and after the server has
 * committed but before the issuer hears so.
 */
export const KEY_STEPS: Record<string, FreezeWhen> = {
  lock: (_trace, direction, text) => direction === 'request' && KEY_LOCK.test(text),
  // Only transactions that wrote count: an idle tick also takes the lock and commits.
  commit: (trace, direction, text) => {
    const sinceLock = trace.since(KEY_LOCK);
    return direction === 'request' && END.test(text) && text.includes('COMMIT') && openKeyTransaction(sinceLock) && sinceLock.some((t) => KEY_WRITE.test(t));
  },
  committed: (trace, direction) => {
    const sinceLock = trace.since(KEY_LOCK);
    if (direction !== 'reply' || sinceLock === undefined || sinceLock.length === 0) return false;
    const last = sinceLock[sinceLock.length - 1];
    return END.test(last) && last.includes('COMMIT') && openKeyTransaction(sinceLock.slice(0, -1)) && sinceLock.some((t) => KEY_WRITE.test(t));
  },
};

/** Before the n-th (1-based) write to signing_keys of a key transaction reaches the server. */
export function beforeWrite(n: number): FreezeWhen {
  return (trace, direction, text) => {
    const sinceLock = trace.since(KEY_LOCK);
    return direction === 'request' && KEY_WRITE.test(text) && openKeyTransaction(sinceLock) && sinceLock.filter((t) => KEY_WRITE.test(t)).length === n - 1;
  };
}

export function keyStep(name: string): FreezeWhen {
  const write = /^write (\d+)$/.exec(name);
  if (write) return beforeWrite(Number(write[1]));
  const step = KEY_STEPS[name];
  if (!step) throw new Error(`unknown step ${name}`);
  return step;
}
