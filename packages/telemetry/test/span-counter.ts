import { type Attributes, type Span, type SpanOptions, type Tracer, trace } from '@opentelemetry/api'

/** One span object a tracer of the SDK made, recording or not, and the instrumentation scope that asked. */
export interface SpanCreation {
  scope: string
  recording: boolean
  /** The attributes it was started with: work done before the sampling decision. */
  attributes: Attributes | undefined
}

/**
 * Records every span object the SDK's tracers make into `created`: a span processor sees only the
 * recording ones, so the tracers' startSpan is counted instead (past any wrapper the package puts around
 * tracers). Call after startTelemetry.
 */
export function countSpanCreations(created: SpanCreation[]): void {
  const provider = (trace.getTracerProvider() as { getDelegate?: () => object }).getDelegate?.()
  if (provider === undefined) throw new Error('no SDK tracer provider is registered')
  const sdkProvider = Object.getPrototypeOf(Object.getPrototypeOf(provider)) as {
    getTracer(this: object, name: string): Tracer
  }
  const probe = sdkProvider.getTracer.call(provider, 'span-counter')
  const prototype = Object.getPrototypeOf(probe) as {
    startSpan(this: { instrumentationScope: { name: string } }, ...args: unknown[]): Span
  }
  const startSpan = prototype.startSpan
  prototype.startSpan = function (...args) {
    const span = startSpan.apply(this, args)
    created.push({
      scope: this.instrumentationScope.name,
      recording: span.isRecording(),
      attributes: (args[1] as SpanOptions | undefined)?.attributes,
    })
    return span
  }
}
