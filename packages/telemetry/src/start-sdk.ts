import { listenForBundledModules } from './bundled-modules.ts'
import {
  createInstrumentations,
  installRequestSpans,
  SCOPE_NAME,
  SCOPE_VERSION,
} from './create-instrumentations.ts'
import { createTracerProvider } from './create-tracer-provider.ts'
import type { OtelEnv } from './read-otel-env.ts'
import { registerInstrumentations } from './sdk.ts'
import type { TelemetryHandle, TelemetryOptions } from './start-telemetry.ts'

/**
 * Starts the SDK, the pg instrumentation and the request spans. Required by startTelemetry only when
 * tracing is on: with `OTEL_SDK_DISABLED=true` neither this module nor anything it imports is read.
 */
export function startSdk(
  options: TelemetryOptions,
  env: OtelEnv,
  ignoredPaths: readonly string[],
): TelemetryHandle {
  const provider = createTracerProvider({
    serviceName: options.serviceName,
    spanProcessors: options.spanProcessors,
    exportRequested: env.exportRequested,
  })
  const instrumentations = createInstrumentations()
  // The provider itself, not the API's proxy: a CommonJS dependency of the app loads the API's CommonJS
  // build, another module instance with a proxy of its own, and only one proxy learns of the provider.
  registerInstrumentations({ instrumentations, tracerProvider: provider })
  // pg bundled into the service announces itself as it loads (@shipshape/bundle): patched as a require would be.
  const stopListening = listenForBundledModules(instrumentations)
  const uninstallRequestSpans = installRequestSpans(
    provider.getTracer(SCOPE_NAME, SCOPE_VERSION),
    ignoredPaths,
  )
  let stopping: Promise<void> | undefined
  const stop = async () => {
    try {
      await provider.shutdown()
    } finally {
      stopListening()
      uninstallRequestSpans()
      for (const instrumentation of instrumentations) instrumentation.disable()
    }
  }
  return {
    enabled: true,
    shutdown: () => {
      stopping ??= stop()
      return stopping
    },
  }
}
