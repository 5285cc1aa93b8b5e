/**
 * TCP and Redis messages carry no headers, so the token travels in an envelope around the payload:
 * `{ authorization: 'Bearer <token>', data: <payload> }`. The guard unwraps it before the handler runs,
 * so `@Payload()` sees only `data` and the token never reaches handler code or its logs.
 */
export interface BearerEnvelope<T = unknown> {
  authorization: string;
  data: T;
}

export const bearerEnvelope = <T>(token: string, data: T): BearerEnvelope<T> => ({ authorization: `Bearer ${token}`, data });

/** Exactly the two envelope fields: a payload that merely has an `authorization` field is not taken for one. */
export function isBearerEnvelope(value: unknown): value is BearerEnvelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return 'authorization' in value && keys.every((key) => key === 'authorization' || key === 'data');
}
