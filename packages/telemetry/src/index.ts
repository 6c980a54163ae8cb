export { BUNDLED_MODULE_KEY } from './bundled-modules.ts'
export {
  DEFAULT_IGNORED_PATHS,
  shutdownTelemetry,
  startTelemetry,
  type TelemetryHandle,
  type TelemetryOptions,
} from './start-telemetry.ts'
export {
  getTraceContext,
  getTraceparent,
  type TraceContext,
  withTraceparent,
} from './trace-context.ts'
