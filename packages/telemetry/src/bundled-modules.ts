import type { Instrumentation } from './sdk.ts'

/**
 * The `Symbol.for` key a bundled module announces itself under (`@shipshape/bundle` writes the same string
 * into the bundle; its tests hold the two equal).
 */
export const BUNDLED_MODULE_KEY = '@shipshape/telemetry:bundled-module'

type Announce = (name: string, moduleExports: unknown) => void

interface ModuleDefinition {
  name: string
  patch?: (moduleExports: unknown, moduleVersion?: string) => unknown
}

/**
 * A module bundled into a service is never `require`d by its name, so no instrumentation sees it load: the
 * reference service bundles pg (one file instead of ~25 resolved, read and compiled at every start). The
 * bundle makes such a module announce itself as it loads (pg's `lib/index.js` and pg-pool's `index.js` end
 * with `globalThis[Symbol.for(BUNDLED_MODULE_KEY)]?.(name, module.exports)`), and a started SDK answers with
 * the patch a `require` would have brought: the instrumentation's own module definition of that name
 * (`getModuleDefinitions`, OpenTelemetry's way in for compile-time instrumentation). With tracing off nobody
 * listens, and the bundled module runs as it is. Returns what takes the listener away (at shutdown).
 */
export function listenForBundledModules(instrumentations: readonly Instrumentation[]): () => void {
  const definitions = new Map<string, ModuleDefinition>()
  for (const instrumentation of instrumentations) {
    const withDefinitions = instrumentation as unknown as { getModuleDefinitions?: () => ModuleDefinition[] }
    // Experimental in @opentelemetry/instrumentation: a version without it fails at start, loudly, rather
    // than leave a bundled pg without spans (the package pins the version).
    if (typeof withDefinitions.getModuleDefinitions !== 'function')
      throw new Error(
        `${instrumentation.instrumentationName} has no getModuleDefinitions: update @shipshape/telemetry for this version`,
      )
    for (const definition of withDefinitions.getModuleDefinitions())
      definitions.set(definition.name, definition)
  }
  const key = Symbol.for(BUNDLED_MODULE_KEY)
  const announce: Announce = (name, moduleExports) => {
    definitions.get(name)?.patch?.(moduleExports)
  }
  const global = globalThis as unknown as Record<symbol, Announce | undefined>
  global[key] = announce
  return () => {
    if (global[key] === announce) delete global[key]
  }
}
