import {
  type Attributes,
  type AttributeValue,
  context,
  type Context,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  trace,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';

/** A finished span as the recording provider saw it. */
export interface RecordedSpan {
  name: string;
  attributes: Attributes;
  status?: SpanStatus;
  ended: boolean;
}

/** The least Span that records its name, attributes and status (specs only; production ships no SDK). */
class RecordingSpan implements Span {
  constructor(readonly record: RecordedSpan) {}
  spanContext(): SpanContext {
    return { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.record.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.record.attributes, attributes);
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.record.status = status;
    return this;
  }
  updateName(name: string): this {
    this.record.name = name;
    return this;
  }
  end(): void {
    this.record.ended = true;
  }
  isRecording(): boolean {
    return !this.record.ended;
  }
  recordException(): void {}
}

/**
 * An in-memory TracerProvider: registers globally, records every span. `spans` lists them in start order.
 *
 * @example
 * const recorder = RecordingTracerProvider.install(); setTracingEnabled(true); ...; expect(recorder.spans[0].name).toBe('token.verify');
 */
export class RecordingTracerProvider implements TracerProvider {
  readonly spans: RecordedSpan[] = [];

  static install(): RecordingTracerProvider {
    const provider = new RecordingTracerProvider();
    trace.disable();
    trace.setGlobalTracerProvider(provider);
    return provider;
  }

  getTracer(): Tracer {
    const start = (name: string, options: SpanOptions = {}): RecordingSpan => {
      const record: RecordedSpan = { name, attributes: { ...options.attributes }, ended: false };
      this.spans.push(record);
      return new RecordingSpan(record);
    };
    return {
      startSpan: (name: string, options?: SpanOptions) => start(name, options),
      startActiveSpan: <F extends (span: Span) => unknown>(name: string, ...args: unknown[]): ReturnType<F> => {
        const fn = args[args.length - 1] as F;
        const options = (args.length > 1 ? args[0] : {}) as SpanOptions;
        const parent = (args.length > 2 ? args[1] : context.active()) as Context;
        const span = start(name, options);
        return context.with(trace.setSpan(parent, span), () => fn(span)) as ReturnType<F>;
      },
    };
  }
}
