/**
 * What tracing uses of the OpenTelemetry SDK and the pg instrumentation, and nothing else. The build
 * bundles it with the rest of start-sdk.ts into one file (`dist/start-sdk.js`, see build-dist.ts), its
 * imports of `@opentelemetry/api` pointed at the API's own one file, so starting tracing reads two files
 * instead of some 190 CommonJS modules and the API's 51; the sources (tests, `pnpm dev`) import the
 * packages as they are. Loaded only when tracing starts (start-telemetry.ts).
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
