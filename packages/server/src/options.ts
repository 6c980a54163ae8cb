import { OptionsError } from '@shipshape/errors'
import type { ReadinessCheck } from './health.ts'
import type { LoggerOptions } from './logger.ts'
import type { DocumentOptions } from './openapi.ts'
import type { RateLimitOptions } from './rate-limit.ts'
import type { LogRequestsMode } from './response-log.ts'
import type { MapError } from './to-problem.ts'

export interface UnderPressureOptions {
  /** Mean event-loop delay above which requests are shed with 503; default 1 000 ms. */
  maxEventLoopDelayMs?: number
  /**
   * Event-loop utilisation (0..1) over the last second above which requests are shed; default none. A loop
   * that answers steady load as fast as it can is fully used whether it serves or sheds (503s are cheap),
   * so under a client that keeps its connections busy this sheds everything for as long as the load lasts:
   * the default sheds on delay, which grows only when work waits.
   */
  maxEventLoopUtilization?: number
  maxHeapUsedBytes?: number
  maxRssBytes?: number
}

export interface ServerOptions {
  /** The service name: pino's `name` and the Redis rate-limit namespace. */
  name: string
  logger?: LoggerOptions
  /** Exact allowed origins (`https://app.example.com`); default none, so no CORS headers. `*` is refused. */
  cors?: { origins: readonly string[] }
  /** Default 100 requests per minute per client address, in memory; `false` turns it off. */
  rateLimit?: RateLimitOptions | false
  /** Proxy addresses or CIDRs whose X-Forwarded-For is believed; default none. */
  trustProxy?: readonly string[]
  /** Default 64 KiB. */
  bodyLimit?: number
  /**
   * Time allowed to receive a request's headers (Node's `headersTimeout`, against slow-loris); default
   * 30 000, or `requestTimeoutMs` when that is shorter.
   */
  headersTimeoutMs?: number
  /**
   * Time allowed to receive a whole request, headers and body (Node's `requestTimeout`); default 30 000, and
   * never less than `headersTimeoutMs`. Both are enforced within about a second of the limit; a late request
   * gets 408 `request_timeout` problem+json.
   */
  requestTimeoutMs?: number
  /** Named checks `/readyz` runs; each gets an AbortSignal that fires at `readinessTimeoutMs`. */
  readinessChecks?: Record<string, ReadinessCheck>
  /** Default 2 000. */
  readinessTimeoutMs?: number
  /** Maps errors of other layers (the database's unique violation → 409) to a problem; undefined = not mine. */
  mapError?: MapError
  /** Load shedding thresholds; `false` turns it off. */
  underPressure?: UnderPressureOptions | false
  /** Served at `GET /openapi.json`; default title = name, version 0.0.0, servers `/`. */
  openapi?: DocumentOptions
  /** Default `errors`. */
  logRequests?: LogRequestsMode
  /** A response slower than this is logged at warn; default 1 000. */
  slowRequestMs?: number
}

export interface ResolvedOptions {
  name: string
  logger: LoggerOptions
  corsOrigins: string[]
  rateLimit: RateLimitOptions | false
  trustProxy: string[]
  bodyLimit: number
  headersTimeoutMs: number
  requestTimeoutMs: number
  readinessChecks: Record<string, ReadinessCheck>
  readinessTimeoutMs: number
  mapError: MapError | undefined
  underPressure: Required<Pick<UnderPressureOptions, 'maxEventLoopDelayMs'>> & UnderPressureOptions
  underPressureEnabled: boolean
  openapi: DocumentOptions
  logRequests: LogRequestsMode
  slowRequestMs: number
}

export function resolveOptions(options: ServerOptions): ResolvedOptions {
  return {
    name: options.name,
    logger: options.logger ?? {},
    corsOrigins: checkOrigins(options.cors?.origins ?? []),
    rateLimit: options.rateLimit ?? {},
    trustProxy: [...(options.trustProxy ?? [])],
    bodyLimit: checkPositive('bodyLimit', options.bodyLimit ?? 64 * 1024),
    ...resolveTimeouts(options),
    readinessChecks: options.readinessChecks ?? {},
    readinessTimeoutMs: checkPositive('readinessTimeoutMs', options.readinessTimeoutMs ?? 2_000),
    mapError: options.mapError,
    underPressure: {
      maxEventLoopDelayMs: 1_000,
      ...(options.underPressure || {}),
    },
    underPressureEnabled: options.underPressure !== false,
    openapi: options.openapi ?? { title: options.name, version: '0.0.0' },
    logRequests: options.logRequests ?? 'errors',
    slowRequestMs: checkPositive('slowRequestMs', options.slowRequestMs ?? 1_000),
  }
}

/** Node refuses a headers timeout longer than the request timeout, which bounds the headers too. */
function resolveTimeouts(options: ServerOptions): { headersTimeoutMs: number; requestTimeoutMs: number } {
  const requestTimeoutMs = checkPositive('requestTimeoutMs', options.requestTimeoutMs ?? 30_000)
  const headersTimeoutMs = checkPositive(
    'headersTimeoutMs',
    options.headersTimeoutMs ?? Math.min(30_000, requestTimeoutMs),
  )
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new OptionsError(
      'SHIPSHAPE_SERVER_TIMEOUTS_INVALID',
      `headersTimeoutMs (${headersTimeoutMs}) must not exceed requestTimeoutMs (${requestTimeoutMs})`,
    )
  }
  return { headersTimeoutMs, requestTimeoutMs }
}

/** A wildcard or a malformed origin would either open the API to every site or silently match nothing. */
function checkOrigins(origins: readonly string[]): string[] {
  for (const origin of origins) {
    if (origin.includes('*')) {
      throw new OptionsError(
        'SHIPSHAPE_SERVER_CORS_ORIGIN_INVALID',
        `cors.origins must list exact origins; "${origin}" is a wildcard`,
      )
    }
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new OptionsError(
        'SHIPSHAPE_SERVER_CORS_ORIGIN_INVALID',
        `cors.origins entry "${origin}" is not an origin like https://app.example.com`,
      )
    }
  }
  return [...origins]
}

function checkPositive(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new OptionsError(
      'SHIPSHAPE_SERVER_LIMIT_INVALID',
      `${name} must be a positive integer, got ${value}`,
    )
  }
  return value
}
