import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

const storage = new AsyncLocalStorage<string>();

/** The id of the request being served, for log lines written anywhere below it. */
export function currentRequestId(): string | undefined {
  return storage.getStore();
}

/** An incoming X-Request-Id is kept only when short and plain (it lands in logs); otherwise a fresh UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[\w.:-]{1,64}$/.test(header) ? header : randomUUID();
}

/** Runs the rest of the request in the id's context (Fastify continues its hook chain from here). */
export function enterRequest(id: string): void {
  storage.enterWith(id);
}
