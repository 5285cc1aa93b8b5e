import { type Attributes, type Span, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * OpenTelemetry spans around sign, verify, JWKS fetch and the revocation lookup. Off unless OTEL_TRACING=1
 * (or setTracingEnabled(true)); when off, `traced` is a plain call. Spans go to whatever TracerProvider the
 * host app registers (only @opentelemetry/api is a dependency): without one they are no-ops.
 * Attributes never carry token content: names, kids, algorithms, outcomes and codes only.
 */
let enabled = process.env.OTEL_TRACING === '1';

export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

export function tracingEnabled(): boolean {
  return enabled;
}

const TRACER = 'token-backbone';

/** Runs `fn` in an active span; a thrown error's `code` (never its message) becomes the span's `error.code`. */
export function traced<T>(name: string, attributes: Attributes, fn: (span?: Span) => Promise<T>): Promise<T> {
  if (!enabled) return fn();
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes }, async (span) => {
    try {
      const result = await fn(span);
      span.setStatus({ code: SpanStatusCode.OK });
      return result;
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      span.setAttribute('error.code', typeof code === 'string' ? code : 'unknown');
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
