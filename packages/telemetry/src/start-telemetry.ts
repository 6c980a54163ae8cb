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

export interface ShutdownOptions {
  /** Stop waiting for the flush when it aborts (startServer's `onShutdown` passes one). */
  signal?: AbortSignal
}

/**
 * Flushes buffered spans and stops the SDK started by startTelemetry or the register preload. A no-op
 * when none was started; safe to call twice (the second call waits for the first). Never rejects: spans a
 * collector did not take (the last export failed, or had no answer when `signal` aborted) are dropped, a
 * warning line on stderr says so, and the service still stops cleanly.
 */
export async function shutdownTelemetry(options: ShutdownOptions = {}): Promise<void> {
  const stopping = stateHolder[STATE_KEY]?.shutdown()
  if (stopping === undefined) return
  // Settled either way, so that a flush still running when the signal aborts cannot reject unobserved later.
  const failure = stopping.then(
    () => undefined,
    (error: unknown) => `the last export failed (${error instanceof Error ? error.message : String(error)})`,
  )
  const reason = await untilAborted(failure, options.signal, 'the collector had not answered by the deadline')
  if (reason !== undefined) warn(`spans not yet sent were dropped: ${reason}`)
}

/** What `work` resolves to, or `onAbort` once `signal` aborts, whichever comes first. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, onAbort: T): Promise<T> {
  if (signal === undefined) return work
  if (signal.aborted) return Promise.resolve(onAbort)
  return new Promise((resolve) => {
    const abort = (): void => resolve(onAbort)
    signal.addEventListener('abort', abort, { once: true })
    void work.then((value) => {
      signal.removeEventListener('abort', abort)
      resolve(value)
    })
  })
}

/**
 * One JSON line on stderr, shaped like the service's log lines: this package has no logger of its own, and
 * the SDK's diagnostics go nowhere unless a diag logger is set. Written at once (stderr is synchronous for
 * files and pipes), as the process exits right after the shutdown.
 */
function warn(message: string): void {
  const line = { level: 'warn', time: new Date().toISOString(), name: '@shipshape/telemetry', msg: message }
  process.stderr.write(`${JSON.stringify(line)}\n`)
}
