import { context, defaultTextMapGetter, defaultTextMapSetter, isSpanContextValid, trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * Events always carry W3C trace context, whatever OTEL_PROPAGATORS selects for
 * HTTP, so these helpers use their own W3C propagator rather than the global
 * one. They need an active context manager (started by
 * `@latchkey/telemetry/register`); without one every context is the root.
 */
const w3c = new W3CTraceContextPropagator();

/** Header-like carrier: `traceparent`, optionally `tracestate`. */
export type TraceCarrier = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Trace ids for log correlation, named as in the logs. */
export interface TraceIds {
  readonly trace_id: string;
  readonly span_id: string;
}

/** Writes `traceparent` (and `tracestate`) of `ctx` into `carrier`. */
export function injectContext(carrier: Record<string, string>, ctx: Context = context.active()): void {
  w3c.inject(ctx, carrier, defaultTextMapSetter);
}

/** The active span's context as a W3C `traceparent`, or undefined outside any span. */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  injectContext(carrier, ctx);
  return carrier['traceparent'];
}

/** A context whose remote parent is the span described by `carrier` (unchanged when it has none or an invalid one). */
export function extractContext(carrier: TraceCarrier, base: Context = context.active()): Context {
  return w3c.extract(base, carrier, defaultTextMapGetter);
}

/** Runs `fn` as a continuation of the trace named by `traceparent` (e.g. from an event). */
export function withExtractedContext<T>(traceparent: string | undefined, fn: () => T): T {
  if (traceparent === undefined) return fn();
  return context.with(extractContext({ traceparent }), fn);
}

/** `trace_id`/`span_id` of the active span, for log lines; undefined outside a valid span. */
export function activeTraceIds(ctx: Context = context.active()): TraceIds | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return undefined;
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
