/** One attempt's bound; an RP that does not answer in time is retried, then given up on. */
const ATTEMPT_TIMEOUT_MS = 2000;
/** Waits before the 2nd and 3rd attempts. */
const RETRY_DELAYS_MS = [300, 1200];

export type DeliveryResult = { ok: true; attempts: number } | { ok: false; attempts: number; reason: string };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * POSTs a logout token (§2.5: application/x-www-form-urlencoded, `logout_token`). 2xx is delivered; 400-499 but
 * 408/429 is the RP refusing this token, which another try will not change; anything else is retried with
 * backoff. Redirects are not followed: the registered URI is the only place the token may go.
 */
export async function deliverLogoutToken(uri: string, token: string, delays: readonly number[] = RETRY_DELAYS_MS): Promise<DeliveryResult> {
  let reason = 'not attempted';
  for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
    if (attempt > 1) await sleep(delays[attempt - 2]);
    try {
      const response = await fetch(uri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-cache' },
        body: new URLSearchParams({ logout_token: token }).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true, attempts: attempt };
      reason = `status ${response.status}`;
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429)
        return { ok: false, attempts: attempt, reason };
    } catch (error) {
      // Only the error's kind: a message could quote the URI, and nothing here may echo the token.
      // (DOMException from an abort is not always an Error instance across realms: read the name only.)
      const name = typeof (error as { name?: unknown })?.name === 'string' ? (error as { name: string }).name : 'Error';
      reason = name === 'TimeoutError' ? 'timeout' : `network error (${name})`;
    }
  }
  return { ok: false, attempts: delays.length + 1, reason };
}
