import { isSpanContextValid, trace } from '@opentelemetry/api'
import type { FastifyBaseLogger } from 'fastify'
import {
  type Bindings,
  type ChildLoggerOptions,
  type DestinationStream,
  type LevelWithSilent,
  type Logger,
  pino,
} from 'pino'
// sonic-boom is CommonJS: Node gives its exports as the default import; its types call the class `SonicBoom`.
import sonicBoom from 'sonic-boom'
import { serializeError } from './error-serializer.ts'

export interface LoggerOptions {
  /** Default `info`. */
  level?: LevelWithSilent
  /** Where JSON lines go; default stdout. Tests pass a stream to read the lines back. */
  stream?: DestinationStream
  /** Extra pino redact paths, added to the built-in ones. */
  redact?: string[]
}

const SECRET_KEYS = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
]

/** Paths whose values never reach a log line: credentials in headers, and secrets at the usual depths. */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.cookie',
  'req.headers.authorization',
  'headers.cookie',
  'headers.authorization',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
]

/**
 * Adds the active OpenTelemetry span to each line so logs join traces; without an SDK there is no span.
 * Returns a fresh object each time: pino merges the line into it.
 */
function getTraceFields(): Record<string, string> {
  const span = trace.getActiveSpan()
  if (span === undefined) return {}
  const context = span.spanContext()
  if (!isSpanContextValid(context)) return {}
  return { trace_id: context.traceId, span_id: context.spanId }
}

let stdout: DestinationStream | undefined

/**
 * stdout as pino writes it by default (sonic-boom, asynchronous, flushed when the process exits), except once
 * its reader is gone: then a write fails with EPIPE and the lines are dropped, and the exit flush gives up.
 * pino's own destination would hang the process there: pino 10 pins sonic-boom 4, whose `flushSync` sleeps
 * and retries any write error forever, so a service stopped after its log collector died never exited.
 * One per process, so that every logger's lines keep their order and one exit flush writes them all.
 */
function getStdout(): DestinationStream {
  if (stdout !== undefined) return stdout
  const stream = new sonicBoom.SonicBoom({ fd: process.stdout.fd ?? 1 })
  let broken = false
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    broken = true
  })
  process.once('exit', () => {
    if (broken) return
    try {
      stream.flushSync()
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error
    }
  })
  stdout = {
    write(line) {
      if (!broken) stream.write(line)
    },
  }
  return stdout
}

export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  return pino(
    {
      name,
      level: options.level ?? 'info',
      redact: { paths: [...REDACTED_PATHS, ...(options.redact ?? [])], censor: '[Redacted]' },
      // Errors are logged under `err` (and sometimes `error`): both go through the one safe serializer.
      serializers: { err: serializeError, error: serializeError },
      mixin: getTraceFields,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.stream ?? getStdout(),
  )
}

type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

/**
 * A request's logger that becomes `parent.child(bindings)` when the request first logs. Fastify makes a child
 * per request; with the wildcard redaction paths above, pino runs every binding through the redactor as it
 * makes one, which cost a probe ~6 % of its CPU for a logger most requests never use (the server logs only
 * failed and slow requests). Lines are the same: they come from the child, made once, on first use.
 */
class RequestLogger {
  readonly #parent: FastifyBaseLogger
  readonly #bindings: Bindings
  readonly #options: ChildLoggerOptions
  #child: FastifyBaseLogger | undefined

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent
    this.#bindings = bindings
    this.#options = options
  }

  #get(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options)
    return this.#child
  }

  get level(): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level
  }

  set level(level: string) {
    this.#get().level = level
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#get().child(bindings, options)
  }

  fatal(...args: unknown[]): void {
    this.#log('fatal', args)
  }
  error(...args: unknown[]): void {
    this.#log('error', args)
  }
  warn(...args: unknown[]): void {
    this.#log('warn', args)
  }
  info(...args: unknown[]): void {
    this.#log('info', args)
  }
  debug(...args: unknown[]): void {
    this.#log('debug', args)
  }
  trace(...args: unknown[]): void {
    this.#log('trace', args)
  }
  silent(): void {}

  #log(method: LogMethod, args: unknown[]): void {
    const child = this.#get()
    ;(child[method] as (...values: unknown[]) => void).apply(child, args)
  }
}

/** Fastify's `childLoggerFactory`: each request's logger is made when the request first logs. */
export function createRequestLogger(
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new RequestLogger(parent, bindings, options) as unknown as FastifyBaseLogger
}
