import { IssuerFetchError } from './issuer-fetch.error';

/**
 * Reads a response body as text, giving up past `maxBytes`: a hostile or broken issuer
 * cannot make the guard buffer an unbounded body. Pair with an AbortSignal for time.
 */
export async function readBoundedText(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new IssuerFetchError('ERR_ISSUER_BODY_TOO_LARGE', `body larger than ${maxBytes} bytes`);
  }
  if (!response.body) return '';
  // Node types the body stream's chunks as any; fetch delivers bytes.
  const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new IssuerFetchError('ERR_ISSUER_BODY_TOO_LARGE', `body larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Drops a body we will not read, so the connection can be reused. */
export function discardBody(response: Response): void {
  void response.body?.cancel().catch(() => undefined);
}
