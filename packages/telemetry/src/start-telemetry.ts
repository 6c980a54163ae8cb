import type { SpanProcessor } from '@opentelemetry/sdk-trace'
import { readOtelEnv } from './read-otel-env.ts'
import { requireOwn } from './require-own.ts'
import type * as StartSdk from './start-sdk.ts'

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

function start(options: TelemetryOptions): TelemetryHandle {
  const env = readOtelEnv()
  if (env.disabled) return DISABLED_HANDLE
  // The SDK, the instrumentations and the request spans load only now (see start-sdk.ts).
  return requireOwn<typeof StartSdk>('start-sdk').startSdk(
    options,
    env,
    options.ignoreIncomingPaths ?? DEFAULT_IGNORED_PATHS,
  )
}

/**
 * Starts tracing: a span per HTTP request, per Fastify route and per pg query. Must run before fastify and pg are loaded
 * (`node --import @shipshape/telemetry/register` does that). Idempotent: a second call returns the
 * first handle, whatever its options.
 */
export function startTelemetry(options: TelemetryOptions = {}): TelemetryHandle {
  stateHolder[STATE_KEY] ??= start(options)
  return stateHolder[STATE_KEY]
}

/**
 * Flushes buffered spans and stops the SDK started by startTelemetry or the register preload. A no-op
 * when none was started; safe to call twice (the second call waits for the first).
 */
export function shutdownTelemetry(): Promise<void> {
  return stateHolder[STATE_KEY]?.shutdown() ?? Promise.resolve()
}
