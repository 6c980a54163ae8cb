import { isSpanContextValid, trace } from '@opentelemetry/api'

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
