export {
  DEFAULT_IGNORED_PATHS,
  shutdownTelemetry,
  startTelemetry,
  type TelemetryHandle,
  type TelemetryOptions,
} from './start-telemetry.ts'
export { getTraceContext, type TraceContext } from './trace-context.ts'
