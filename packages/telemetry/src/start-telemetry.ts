import type { Instrumentation } from '@opentelemetry/instrumentation'
import { envDetector, hostDetector, processDetector } from '@opentelemetry/resources'
import { NodeSDK } from '@opentelemetry/sdk-node'
import { NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace'
import { createInstrumentations } from './create-instrumentations.ts'
import { readOtelEnv } from './read-otel-env.ts'
import { registerEsmHook } from './register-esm-hook.ts'

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

function getSpanProcessors(options: TelemetryOptions, exportRequested: boolean): SpanProcessor[] | undefined {
  if (options.spanProcessors !== undefined) return options.spanProcessors
  // undefined lets the SDK build the exporter from OTEL_* (protocol, headers, batch settings).
  // Without one, spans are still made (trace_id/span_id reach the logs) but go nowhere: no network.
  return exportRequested ? undefined : [new NoopSpanProcessor()]
}

function createSdk(options: TelemetryOptions, exportRequested: boolean, instrumentations: Instrumentation[]) {
  return new NodeSDK({
    serviceName: options.serviceName,
    // The default list may grow to cloud detectors, which probe metadata endpoints off the box.
    resourceDetectors: [envDetector, processDetector, hostDetector],
    instrumentations,
    spanProcessors: getSpanProcessors(options, exportRequested),
    // Traces only: empty lists stop the SDK from building OTLP metric and log exporters from env.
    metricReaders: [],
    logRecordProcessors: [],
  })
}

function createSdkHandle(sdk: NodeSDK, instrumentations: Instrumentation[]): TelemetryHandle {
  let stopping: Promise<void> | undefined
  const stop = async () => {
    await sdk.shutdown()
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
  registerEsmHook()
  const instrumentations = createInstrumentations(options.ignoreIncomingPaths ?? DEFAULT_IGNORED_PATHS)
  const sdk = createSdk(options, env.exportRequested, instrumentations)
  sdk.start()
  return createSdkHandle(sdk, instrumentations)
}

/**
 * Starts tracing with HTTP, Fastify and pg instrumentation. Must run before fastify and pg are loaded
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
