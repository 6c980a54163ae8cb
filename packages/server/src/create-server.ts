import cors from '@fastify/cors'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import underPressure from '@fastify/under-pressure'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify'
import { createClientErrorHandler } from './client-error.ts'
import { createFrameworkErrorHandler, registerErrorHandling } from './error-handler.ts'
import { registerHealthRoutes } from './health.ts'
import { registerJsonParser } from './json-parser.ts'
import { createLogger, createRequestLogger } from './logger.ts'
import { createDocumentOptions, registerDocumentRoute } from './openapi.ts'
import { type ResolvedOptions, resolveOptions, type ServerOptions } from './options.ts'
import { ProblemError } from './problem.ts'
import { registerRateLimit } from './rate-limit.ts'
import { getRequestId } from './request-id.ts'
import { createResponseLogging } from './response-log.ts'
import { computeSecurityHeaders, createHeaderWriter } from './security-headers.ts'
import { createSerializerFactory } from './serializers.ts'
import { registerShutdownGuard } from './shutdown-guard.ts'
import { createValidatorFactory } from './validators.ts'

/** The Fastify instance createServer returns: TypeBox schemas give handlers typed bodies, params and queries. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

/** JSON deeper than this is refused before parsing; real payloads are far shallower. */
const MAX_JSON_DEPTH = 32
/** Longer path parameters are a 414; ids and slugs fit with room to spare. */
const MAX_PARAM_LENGTH = 256
/**
 * How often Node looks for requests past their headers or request timeout. Its default (30 s) let a 30 s
 * limit hold for up to 60 s; checking every second keeps each limit within about a second.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000

/**
 * Creates a Fastify 5 instance that keeps the service contract (problem+json errors, security headers,
 * request ids, health routes, rate limit, load shedding, redacted JSON logs). Register routes on it, then
 * hand it to `startServer`.
 */
export async function createServer(options: ServerOptions): Promise<App> {
  const config = resolveOptions(options)
  const securityHeaders = computeSecurityHeaders()
  const writeHeaders = createHeaderWriter(securityHeaders)
  const responseLogging = createResponseLogging(config.logRequests, config.slowRequestMs)
  const loggerInstance: FastifyBaseLogger = createLogger(config.name, config.logger)
  const app = Fastify({
    loggerInstance,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    childLoggerFactory: createRequestLogger,
    genReqId: getRequestId,
    requestIdHeader: false,
    trustProxy: config.trustProxy.length === 0 ? false : config.trustProxy,
    bodyLimit: config.bodyLimit,
    requestTimeout: config.requestTimeoutMs,
    // Node reads these only when the server is created: headersTimeout set later stays at its 60 s default.
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, config.headersTimeoutMs),
    },
    clientErrorHandler: createClientErrorHandler(securityHeaders),
    return503OnClosing: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: createFrameworkErrorHandler(writeHeaders),
    schemaController: {
      compilersFactory: {
        buildValidator: createValidatorFactory(),
        buildSerializer: createSerializerFactory(),
      },
    },
  })
  app.addHook('onRequest', (request, reply, done) => {
    writeHeaders(request, reply)
    done()
  })
  registerShutdownGuard(app)
  if (responseLogging.hook !== undefined) app.addHook('onResponse', responseLogging.hook)
  registerJsonParser(app, MAX_JSON_DEPTH)
  registerErrorHandling(app, {
    mapError: config.mapError,
    writeHeaders,
    recordFault: responseLogging.recordFault,
  })
  await registerPlugins(app, config)
  // Once closing, the shutdown guard answers /readyz (and everything else) with 503 before any handler runs.
  registerHealthRoutes(app, { checks: config.readinessChecks, timeoutMs: config.readinessTimeoutMs })
  registerDocumentRoute(app)
  return app.withTypeProvider<TypeBoxTypeProvider>()
}

async function registerPlugins(app: FastifyInstance, config: ResolvedOptions): Promise<void> {
  if (config.corsOrigins.length > 0) {
    const allowed = new Set(config.corsOrigins)
    await app.register(cors, {
      // `false` for an unlisted origin makes @fastify/cors add no CORS header at all (with an array it would
      // still send Access-Control-Allow-Credentials).
      origin: (origin, callback) =>
        callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
      credentials: true,
    })
  }
  if (config.underPressureEnabled) {
    const limits = config.underPressure
    await app.register(underPressure, {
      maxEventLoopDelay: limits.maxEventLoopDelayMs,
      maxEventLoopUtilization: limits.maxEventLoopUtilization ?? 0,
      // Over the last sample: the plugin's default measures since it was registered, which keeps a process
      // that started under load shedding long after the load is gone.
      eventLoopUtilizationMode: 'interval',
      maxHeapUsedBytes: limits.maxHeapUsedBytes ?? 0,
      maxRssBytes: limits.maxRssBytes ?? 0,
      retryAfter: 10,
      customError: class UnderPressureError extends ProblemError {
        constructor() {
          super({
            status: 503,
            code: 'unavailable',
            detail: 'The service is overloaded; retry later.',
          })
        }
      },
    })
  }
  await app.register(
    swagger,
    createDocumentOptions(config.openapi, {
      rateLimited: config.rateLimit !== false,
      mayBeUnavailable: config.underPressureEnabled || config.mapError !== undefined,
    }),
  )
  if (config.rateLimit !== false) await registerRateLimit(app, config.name, config.rateLimit)
}
