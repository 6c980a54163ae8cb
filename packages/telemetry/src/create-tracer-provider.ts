import {
  type Context,
  context,
  diag,
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  propagation,
  type Span,
  type SpanOptions,
  type TextMapPropagator,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import { requireOwn } from './require-own.ts'
import * as sdk from './sdk.ts'

interface OtlpExporterModule {
  OTLPTraceExporter: new () => sdk.SpanExporter
}

export interface TracerProviderSettings {
  serviceName: string | undefined
  /** Replaces the exporter chosen from `OTEL_*`. */
  spanProcessors: sdk.SpanProcessor[] | undefined
  /** An exporter was asked for (endpoint or `OTEL_TRACES_EXPORTER`); otherwise spans go nowhere. */
  exportRequested: boolean
}

/**
 * Tracers whose spans repeat what an instrumentation records. drizzle-orm makes spans of its own for every
 * query phase (prepare, execute, map) whenever `@opentelemetry/api` resolves; the pg instrumentation's span
 * is the database span. Their tracer is a no-op one, whose spans carry the parent's context, so the pg
 * spans still hang under the route.
 */
export const SILENCED_TRACERS: ReadonlySet<string> = new Set(['drizzle-orm'])
const silencedTracer: Tracer = new ProxyTracerProvider().getTracer('silenced')

/** The span every suppressed start gets: a no-op span, immutable, so one serves every caller. */
const SUPPRESSED_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT)

/**
 * Makes no span object where the SDK would only make a non-recording one that nothing can tell apart from
 * what is already in the context: under suppressed tracing (an ignored path), and, when sampling follows
 * the parent, under a parent that was not sampled (its children cannot be sampled: the parent itself
 * stands in for them, carrying the trace id to log lines and outgoing calls). Every other start goes to
 * the SDK. An unsampled request thus makes one span object, at the HTTP layer, or none when its caller
 * already decided.
 */
class SkippingTracer implements Tracer {
  private readonly tracer: Tracer
  private readonly isTracingSuppressed: (context: Context) => boolean
  private readonly parentBased: boolean

  constructor(tracer: Tracer, isTracingSuppressed: (context: Context) => boolean, parentBased: boolean) {
    this.tracer = tracer
    this.isTracingSuppressed = isTracingSuppressed
    this.parentBased = parentBased
  }

  startSpan(name: string, options?: SpanOptions, parentContext: Context = context.active()): Span {
    if (this.isTracingSuppressed(parentContext)) return SUPPRESSED_SPAN
    if (this.parentBased && options?.root !== true) {
      const parent = trace.getSpan(parentContext)
      if (
        parent !== undefined &&
        !parent.isRecording() &&
        trace.isSpanContextValid(parent.spanContext()) &&
        (parent.spanContext().traceFlags & TraceFlags.SAMPLED) === 0
      )
        return parent
    }
    return this.tracer.startSpan(name, options, parentContext)
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    parentContext: Context,
    fn: F,
  ): ReturnType<F>
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const fn = rest.at(-1) as F
    const options = rest.length > 1 ? (rest[0] as SpanOptions) : undefined
    const parentContext = rest.length > 2 ? (rest[1] as Context) : context.active()
    const span = this.startSpan(name, options, parentContext)
    return context.with(
      trace.setSpan(parentContext, span),
      fn as (span: Span) => ReturnType<F>,
      undefined,
      span,
    )
  }
}

function withoutUndefined<T extends object>(settings: T): Partial<T> {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as Partial<T>
}

function createSampler(): sdk.Sampler | undefined {
  const name = sdk.getStringFromEnv('OTEL_TRACES_SAMPLER')
  if (name === undefined) return undefined
  const ratio = () => {
    const value = sdk.getNumberFromEnv('OTEL_TRACES_SAMPLER_ARG')
    return value === undefined || value < 0 || value > 1 ? 1 : value
  }
  switch (name) {
    case 'always_on':
      return new sdk.AlwaysOnSampler()
    case 'always_off':
      return new sdk.AlwaysOffSampler()
    case 'traceidratio':
      return new sdk.TraceIdRatioBasedSampler(ratio())
    case 'parentbased_always_on':
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() })
    case 'parentbased_always_off':
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() })
    case 'parentbased_traceidratio':
      return new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(ratio()) })
    default:
      diag.error(`unknown OTEL_TRACES_SAMPLER "${name}": using the default (parentbased_always_on)`)
      return undefined
  }
}

/**
 * With nowhere to send spans (no exporter asked for, none given) and no sampler asked for, a request no
 * caller sampled is not recorded: recording spans that go nowhere costs a traced route a fifth of its
 * throughput. Its one non-recording span still carries a fresh trace id to the log lines and, marked not
 * sampled, to outgoing calls; a caller's sampled trace is recorded and passed on as sampled.
 */
function createUnexportedSampler(settings: TracerProviderSettings): sdk.Sampler | undefined {
  if (settings.exportRequested || settings.spanProcessors !== undefined) return undefined
  return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() })
}

/** The exporter for the OTLP protocol asked for; only its own bundle is read (build-dist.ts). */
function createExporter(): sdk.SpanExporter {
  const protocol =
    sdk.getStringFromEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ??
    sdk.getStringFromEnv('OTEL_EXPORTER_OTLP_PROTOCOL') ??
    'http/protobuf'
  if (protocol === 'http/json') {
    const { OTLPTraceExporter } = requireOwn<OtlpExporterModule>('exporter-otlp-http')
    return new OTLPTraceExporter()
  }
  if (protocol !== 'http/protobuf')
    diag.warn(`OTLP protocol "${protocol}" is not shipped: using http/protobuf`)
  const { OTLPTraceExporter } = requireOwn<OtlpExporterModule>('exporter-otlp-proto')
  return new OTLPTraceExporter()
}

function createSpanProcessors(settings: TracerProviderSettings): sdk.SpanProcessor[] {
  if (settings.spanProcessors !== undefined) return settings.spanProcessors
  // Without an exporter, spans are still made (trace_id/span_id reach the logs) but go nowhere: no network.
  if (!settings.exportRequested) return [new sdk.NoopSpanProcessor()]
  if (sdk.getStringListFromEnv('OTEL_TRACES_EXPORTER')?.includes('console'))
    return [new sdk.SimpleSpanProcessor({ exporter: new sdk.ConsoleSpanExporter() })]
  return [
    new sdk.BatchSpanProcessor({
      exporter: createExporter(),
      ...withoutUndefined({
        maxQueueSize: sdk.getNumberFromEnv('OTEL_BSP_MAX_QUEUE_SIZE'),
        scheduledDelayMillis: sdk.getNumberFromEnv('OTEL_BSP_SCHEDULE_DELAY'),
        exportTimeoutMillis: sdk.getNumberFromEnv('OTEL_BSP_EXPORT_TIMEOUT'),
        maxExportBatchSize: sdk.getNumberFromEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
      }),
    }),
  ]
}

/** W3C trace context and baggage, as the SDK's default; `OTEL_PROPAGATORS` may narrow them or say none. */
function createPropagator(): TextMapPropagator | undefined {
  const names = sdk.getStringListFromEnv('OTEL_PROPAGATORS') ?? ['tracecontext', 'baggage']
  if (names.includes('none')) return undefined
  const propagators: TextMapPropagator[] = []
  for (const name of new Set(names)) {
    if (name === 'tracecontext') propagators.push(new sdk.W3CTraceContextPropagator())
    else if (name === 'baggage') propagators.push(new sdk.W3CBaggagePropagator())
    else diag.warn(`propagator "${name}" is not shipped: ignored`)
  }
  return new sdk.CompositePropagator({ propagators })
}

/**
 * What `NodeSDK` does for traces, without it: `@opentelemetry/sdk-node` loads the exporters of every
 * signal and protocol (gRPC included, 84 files) whatever is configured, which cost ~0.5 s and ~17 MiB at
 * start. Reads the same `OTEL_*` variables for traces (sampler, exporter and its protocol, batch settings,
 * propagators, resource); gRPC and Zipkin are not shipped.
 */
export function createTracerProvider(settings: TracerProviderSettings): sdk.TracerProvider {
  const contextManager = new sdk.AsyncLocalStorageContextManager()
  contextManager.enable()
  context.setGlobalContextManager(contextManager)
  const propagator = createPropagator()
  if (propagator !== undefined) propagation.setGlobalPropagator(propagator)

  // Only what describes this process: cloud detectors would probe metadata endpoints off the box.
  let resource = sdk.defaultResource().merge(
    sdk.detectResources({
      detectors: [sdk.envDetector, sdk.processDetector, sdk.hostDetector],
    }),
  )
  if (settings.serviceName !== undefined)
    resource = resource.merge(sdk.resourceFromAttributes({ 'service.name': settings.serviceName }))

  // Only the settings given: an explicit `undefined` would replace the SDK's own default.
  const sampler = createSampler() ?? createUnexportedSampler(settings)
  const spanLimits = withoutUndefined({
    attributeCountLimit:
      sdk.getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ??
      sdk.getNumberFromEnv('OTEL_ATTRIBUTE_COUNT_LIMIT'),
    attributeValueLengthLimit:
      sdk.getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
      sdk.getNumberFromEnv('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
    eventCountLimit: sdk.getNumberFromEnv('OTEL_SPAN_EVENT_COUNT_LIMIT'),
    linkCountLimit: sdk.getNumberFromEnv('OTEL_SPAN_LINK_COUNT_LIMIT'),
  })
  // The default sampler (none configured) is ParentBased(AlwaysOn); the configured parent-based ones
  // leave an unsampled parent's children unsampled (their localParentNotSampled is AlwaysOff).
  const parentBased = sampler === undefined || sampler instanceof sdk.ParentBasedSampler
  const tracers = new Map<string, Tracer>()
  class ScopedTracerProvider extends sdk.TracerProvider {
    override getTracer(name: string, version?: string, options?: { schemaUrl?: string }): Tracer {
      if (SILENCED_TRACERS.has(name)) return silencedTracer
      const key = `${name}@${version ?? ''}:${options?.schemaUrl ?? ''}`
      let tracer = tracers.get(key)
      if (tracer === undefined) {
        tracer = new SkippingTracer(
          super.getTracer(name, version, options),
          sdk.isTracingSuppressed,
          parentBased,
        )
        tracers.set(key, tracer)
      }
      return tracer
    }
  }
  const provider = new ScopedTracerProvider({
    ...(sampler === undefined ? {} : { sampler }),
    ...(Object.keys(spanLimits).length === 0 ? {} : { spanLimits }),
    resource,
    spanProcessors: createSpanProcessors(settings),
  })
  trace.setGlobalTracerProvider(provider)
  return provider
}
