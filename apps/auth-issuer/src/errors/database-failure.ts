/**
 * Classifies errors from PostgreSQL (pg, through TypeORM) that are not bugs:
 * "unavailable" means retry later (503), "bad data" means the input cannot be stored or compared (400).
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** SQLSTATEs of a database that is down, restarting, overloaded or timing out; or a transaction to retry. */
const UNAVAILABLE_STATES = /^(08...|53...|57P0[1-5]|57014|40001|40P01|55P03)$/;
const UNAVAILABLE_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|connection timeout|not queryable|connection refused|query read timeout/i;

type Failure = { code?: unknown; message?: unknown; driverError?: unknown; errors?: unknown };

/** Array.isArray narrows to any[]; the items of an AggregateError are as unknown as the error itself. */
const isList = (value: unknown): value is readonly unknown[] => Array.isArray(value);

function causes(error: unknown): Failure[] {
  const seen: Failure[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.length < 8) {
    const next = queue.shift();
    if (!next || typeof next !== 'object') continue;
    const failure = next as Failure;
    seen.push(failure);
    queue.push(failure.driverError, (next as { cause?: unknown }).cause);
    if (isList(failure.errors)) queue.push(...failure.errors);
  }
  return seen;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return causes(error).some(
    ({ code, message }) =>
      (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.test(code))) ||
      (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)),
  );
}

/** SQLSTATE class 22 (data exception), e.g. a NUL byte in text: the request carried unusable data. */
export function isDatabaseDataError(error: unknown): boolean {
  return causes(error).some(({ code }) => typeof code === 'string' && /^22...$/.test(code));
}
