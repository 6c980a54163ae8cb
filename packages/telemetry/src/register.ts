/**
 * Side-effect entry for `node --import @shipshape/telemetry/register dist/server.js`: starts tracing from
 * the standard `OTEL_*` variables before the app's first import, which is the only moment the module
 * hooks can still patch fastify, http and pg. The service flushes with `shutdownTelemetry()`.
 */
import { startTelemetry } from './start-telemetry.ts'

startTelemetry()
