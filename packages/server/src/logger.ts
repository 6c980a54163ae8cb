import { isSpanContextValid, trace } from '@opentelemetry/api'
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino'
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
    options.stream,
  )
}
