/**
 * Side-effect entry for `node --import @shipshape/telemetry/register dist/server.js`: starts tracing from
 * the standard `OTEL_*` variables before the app's first import, which is the only moment the module
 * hooks can still patch fastify, http and pg. The service flushes with `shutdownTelemetry()`.
 * It also installs the package-scope cache and keeps `process.nextTick`'s entry shape alive (tracing on or
 * off): the preload is the one place that runs before the service's module graph loads, and before the
 * first full collection could clear that shape (tick-object-shape.ts).
 */
import { registerPackageScopeCache } from './package-scope-cache.ts'
import { startTelemetry } from './start-telemetry.ts'
import { keepTickObjectShape } from './tick-object-shape.ts'

keepTickObjectShape()
registerPackageScopeCache()
startTelemetry()
