import { context, isSpanContextValid, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api'

/** Log-correlation fields, named as the OpenTelemetry log data model names them. */
export interface TraceContext {
  trace_id: string
  span_id: string
}

/**
 * The active span's ids for a log line, or `undefined` outside a traced request (or with telemetry
 * off), so a pino mixin adds the fields only when they mean something.
 */
export function getTraceContext(): TraceContext | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext()
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return undefined
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId }
}

/**
 * The active span as a W3C `traceparent` value, for work that outlives the request and runs elsewhere
 * later (an outbox row, a job): store it with the work, in the same transaction, and continue the trace
 * with `withTraceparent`. Written by the propagator the preload installed (`OTEL_PROPAGATORS`), so it is
 * `undefined` outside a span, with telemetry off, or with the `tracecontext` propagator turned off.
 */
export function getTraceparent(): string | undefined {
  const carrier: Record<string, string> = {}
  propagation.inject(context.active(), carrier)
  return carrier.traceparent
}

/**
 * Runs `fn` with the span a `traceparent` (from `getTraceparent`) names as its remote parent, in place of
 * whatever context the caller runs in (a timer, a poll): spans `fn` starts join that trace. Without a
 * traceparent, or one the propagator cannot read, `fn` runs in the caller's context.
 */
export function withTraceparent<T>(traceparent: string | null | undefined, fn: () => T): T {
  if (!traceparent) return fn()
  const remote = propagation.extract(ROOT_CONTEXT, { traceparent })
  const spanContext = trace.getSpanContext(remote)
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return fn()
  return context.with(remote, fn)
}
