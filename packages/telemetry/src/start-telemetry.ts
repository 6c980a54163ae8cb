import { createRequire } from 'node:module'
import type * as InstrumentationModule from '@opentelemetry/instrumentation'
import type { Instrumentation } from '@opentelemetry/instrumentation'
import type { SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import {
  createInstrumentations,
  installRequestSpans,
  SCOPE_NAME,
  SCOPE_VERSION,
} from './create-instrumentations.ts'
import { createTracerProvider } from './create-tracer-provider.ts'
import type { Uninstall } from './http-server-spans.ts'
import { readOtelEnv } from './read-otel-env.ts'

export interface TelemetryOptions {
  /** Overrides `OTEL_SERVICE_NAME`. */
  serviceName?: string
  /** Replaces the exporter chosen from `OTEL_*` (tests pass an in-memory exporter here). */
  spanProcessors?: SpanProcessor[]
  /** Incoming paths that get no span; default `['/healthz', '/readyz']`. */
  ignoreIncomingPaths?: string[]
}

export interface TelemetryHandle {
  /** `false` when `OTEL_SDK_DISABLED=true`: nothing was started. */
  readonly enabled: boolean
  shutdown(): Promise<void>
}

export const DEFAULT_IGNORED_PATHS = ['/healthz', '/readyz']

// On globalThis, not in module scope: the preload and the app may load two copies of this package
// (dist and source), and the app's shutdownTelemetry() must still flush the SDK the preload started.
const STATE_KEY = Symbol.for('@shipshape/telemetry')
const stateHolder = globalThis as { [STATE_KEY]?: TelemetryHandle }
const DISABLED_HANDLE: TelemetryHandle = { enabled: false, shutdown: () => Promise.resolve() }

// The SDK and the instrumentations load only when tracing starts (see create-tracer-provider.ts).
const require = createRequire(import.meta.url)

function createSdkHandle(
  provider: TracerProvider,
  instrumentations: Instrumentation[],
  uninstallRequestSpans: Uninstall,
): TelemetryHandle {
  let stopping: Promise<void> | undefined
  const stop = async () => {
    await provider.shutdown()
    uninstallRequestSpans()
    for (const instrumentation of instrumentations) instrumentation.disable()
  }
  return {
    enabled: true,
    shutdown: () => {
      stopping ??= stop()
      return stopping
    },
  }
}

function startSdk(options: TelemetryOptions): TelemetryHandle {
  const env = readOtelEnv()
  if (env.disabled) return DISABLED_HANDLE
  const provider = createTracerProvider({
    serviceName: options.serviceName,
    spanProcessors: options.spanProcessors,
    exportRequested: env.exportRequested,
  })
  const instrumentations = createInstrumentations()
  const { registerInstrumentations } =
    require('@opentelemetry/instrumentation') as typeof InstrumentationModule
  // The provider itself, not the API's proxy: the API loaded through require and through import are two
  // module instances with a proxy each, and only one of them learns about the global provider.
  registerInstrumentations({ instrumentations, tracerProvider: provider })
  const uninstallRequestSpans = installRequestSpans(
    provider.getTracer(SCOPE_NAME, SCOPE_VERSION),
    options.ignoreIncomingPaths ?? DEFAULT_IGNORED_PATHS,
  )
  return createSdkHandle(provider, instrumentations, uninstallRequestSpans)
}

/**
 * Starts tracing: a span per HTTP request, per Fastify route and per pg query. Must run before fastify and pg are loaded
 * (`node --import @shipshape/telemetry/register` does that). Idempotent: a second call returns the
 * first handle, whatever its options.
 */
export function startTelemetry(options: TelemetryOptions = {}): TelemetryHandle {
  stateHolder[STATE_KEY] ??= startSdk(options)
  return stateHolder[STATE_KEY]
}

/**
 * Flushes buffered spans and stops the SDK started by startTelemetry or the register preload. A no-op
 * when none was started; safe to call twice (the second call waits for the first).
 */
export function shutdownTelemetry(): Promise<void> {
  return stateHolder[STATE_KEY]?.shutdown() ?? Promise.resolve()
}
