/** What the preload needs to know from the standard `OTEL_*` variables before it builds the SDK. */
export interface OtelEnv {
  /** `OTEL_SDK_DISABLED=true`: start nothing, not even the module hooks. */
  readonly disabled: boolean
  /** An exporter was asked for: an OTLP endpoint is set, or `OTEL_TRACES_EXPORTER` names one. */
  readonly exportRequested: boolean
}

type Env = Readonly<Record<string, string | undefined>>

function readTrimmed(env: Env, name: string): string {
  return env[name]?.trim() ?? ''
}

/**
 * The only place this package reads `process.env` (with exportWorkerEnv): it runs as a preload, before the
 * service's config package exists. Everything else (service name, protocol, sampler, headers) the SDK reads
 * itself.
 */
export function readOtelEnv(env: Env = process.env): OtelEnv {
  const disabled = readTrimmed(env, 'OTEL_SDK_DISABLED').toLowerCase() === 'true'
  const tracesExporter = readTrimmed(env, 'OTEL_TRACES_EXPORTER').toLowerCase()
  const hasEndpoint =
    readTrimmed(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') !== '' ||
    readTrimmed(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') !== ''
  const exportRequested = tracesExporter === '' ? hasEndpoint : tracesExporter !== 'none'
  return { disabled, exportRequested }
}

/**
 * The environment of the exporter's worker thread: the process's (the OTLP endpoint, headers, timeout), with
 * tracing off, so that a preload `NODE_OPTIONS` hands to every thread starts nothing there.
 */
export function exportWorkerEnv(): Record<string, string | undefined> {
  return { ...process.env, OTEL_SDK_DISABLED: 'true' }
}
