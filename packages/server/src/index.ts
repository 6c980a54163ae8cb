export { OptionsError, type OptionsErrorCode } from '@shipshape/errors'
export { type App, createServer } from './create-server.ts'
export type { ReadinessCheck } from './health.ts'
export type { LoggerOptions } from './logger.ts'
export {
  addRouteDocs,
  type DocumentOptions,
  type HeaderDoc,
  type RouteDocs,
  type SecuritySchemeDoc,
} from './openapi.ts'
export type { ServerOptions, UnderPressureOptions } from './options.ts'
export {
  getStatusTitle,
  type ProblemBody,
  ProblemError,
  type ProblemInit,
  problemSchema,
} from './problem.ts'
export type { RateLimitOptions } from './rate-limit.ts'
export type { LogRequestsMode } from './response-log.ts'
export { type RunningServer, type StartOptions, startServer } from './start-server.ts'
export { isStorableText } from './storable-text.ts'
export type { MapError } from './to-problem.ts'
