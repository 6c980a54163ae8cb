/**
 * What tracing uses of the OpenTelemetry SDK and the pg instrumentation, and nothing else. The build
 * bundles this module into one file (`dist/sdk.js`, see build-sdk.ts) with `@opentelemetry/api` left
 * out, so starting tracing reads one file instead of some 190 CommonJS modules; the sources (tests,
 * `pnpm dev`) import the packages as they are. Loaded only when tracing starts (start-telemetry.ts).
 */
export { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
export {
  CompositePropagator,
  getNumberFromEnv,
  getStringFromEnv,
  getStringListFromEnv,
  isTracingSuppressed,
  suppressTracing,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core'
export { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation'
export { PgInstrumentation } from '@opentelemetry/instrumentation-pg'
export {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources'
export {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NoopSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace'
