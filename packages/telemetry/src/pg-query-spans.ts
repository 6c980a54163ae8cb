import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api'

type Method = (this: unknown, ...args: unknown[]) => unknown
type Callback = (this: unknown, error: unknown, result: unknown) => unknown

/** What a query reads of pg's `Client`. */
interface PgClient {
  connectionParameters?: { database?: unknown; host?: unknown; port?: unknown }
}

/** What a query reads of its first argument when that is an object: a query config or a `Query`. */
interface QueryConfig {
  text?: unknown
  name?: unknown
  callback?: unknown
  submit?: unknown
}

/** The first word of the query, upper-cased (`SELECT`), as the pg instrumentation names its spans. */
export function getOperationName(text: string): string {
  let start = 0
  while (start < text.length && text.charCodeAt(start) <= 32) start += 1
  let end = start
  while (end < text.length && text.charCodeAt(end) > 32 && text[end] !== ';') end += 1
  return text.slice(start, end).toUpperCase()
}

/**
 * Ends a query's span. A failed query is recorded by its SQLSTATE (`error.type`, `db.response.status_code`),
 * never by the driver's message: PostgreSQL quotes what it could not read (`invalid input syntax for type
 * integer: "..."`), so the message can carry a query's parameters, which no span, like no log line, may.
 */
function endQuerySpan(span: Span, error: unknown): void {
  if (error !== undefined && error !== null) {
    const code = (error as { code?: unknown }).code
    if (typeof code === 'string') {
      span.setAttribute('error.type', code)
      span.setAttribute('db.response.status_code', code)
    } else {
      span.setAttribute('error.type', error instanceof Error ? error.name : 'unknown')
    }
    span.setStatus({ code: SpanStatusCode.ERROR })
  }
  span.end()
}

/** Ends the span when pg calls back, then calls the caller back in the caller's own context. */
function wrapCallback(callback: Callback, span: Span, caller: Context): Callback {
  return function queryCallback(this: unknown, error: unknown, result: unknown) {
    endQuerySpan(span, error)
    return context.with(caller, callback, this, error, result)
  }
}

/**
 * `Client.prototype.query`, traced: one CLIENT span per query under a recording span, with the name and
 * attributes `@opentelemetry/instrumentation-pg` gives its own (`pg.query:SELECT <database>`, or the
 * prepared statement's name; `db.system.name`, `db.namespace`, `server.address`, `server.port`,
 * `db.query.text`, `db.postgresql.plan`), made in the instrumentation's scope. Replaces its patch, which
 * copied the query config, parsed the text twice, kept a duration metric nothing reads (no meter provider)
 * and put the driver's error message in the span's status. No span for a query outside any span
 * (migrations, job polling: each would start a trace of one span), none and no work under a span that is
 * not recording (a request not sampled), and none for a `Query` object run without a callback (pg-cursor,
 * pg-query-stream: it ends through events this patch would have to listen to, changing how its errors
 * surface).
 */
export function createQueryPatch(getTracer: () => Tracer): (original: Method) => Method {
  return (original) =>
    function query(this: unknown, ...args: unknown[]) {
      const caller = context.active()
      const parent = trace.getSpan(caller)
      if (parent === undefined || !parent.isRecording()) return original.apply(this, args)
      const first = args[0]
      const config = typeof first === 'object' && first !== null ? (first as QueryConfig) : undefined
      const last = args.length - 1
      const callbackAt = typeof args[last] === 'function' ? last : -1
      const configCallback = config !== undefined && typeof config.callback === 'function'
      if (typeof config?.submit === 'function' && callbackAt === -1 && !configCallback)
        return original.apply(this, args)

      const text = typeof first === 'string' ? first : config?.text
      const planName = typeof config?.name === 'string' && config.name !== '' ? config.name : undefined
      const parameters = (this as PgClient).connectionParameters
      const database = typeof parameters?.database === 'string' ? parameters.database : undefined
      const attributes: Attributes = { 'db.system.name': 'postgresql' }
      if (database !== undefined) attributes['db.namespace'] = database
      if (typeof parameters?.host === 'string') attributes['server.address'] = parameters.host
      if (Number.isInteger(parameters?.port)) attributes['server.port'] = parameters?.port as number
      let name = 'pg.query'
      if (typeof text === 'string') {
        attributes['db.query.text'] = text
        name = `pg.query:${planName ?? getOperationName(text)}${database === undefined ? '' : ` ${database}`}`
      }
      if (planName !== undefined) attributes['db.postgresql.plan'] = planName
      const span = getTracer().startSpan(name, { kind: SpanKind.CLIENT, attributes }, caller)

      if (callbackAt !== -1) args[callbackAt] = wrapCallback(args[callbackAt] as Callback, span, caller)
      else if (configCallback)
        (config as QueryConfig).callback = wrapCallback(config?.callback as Callback, span, caller)
      let result: unknown
      try {
        result = original.apply(this, args)
      } catch (error) {
        endQuerySpan(span, error)
        throw error
      }
      if (!(result instanceof Promise)) return result
      return result.then(
        (value: unknown) => {
          endQuerySpan(span, undefined)
          return value
        },
        (error: unknown) => {
          endQuerySpan(span, error)
          throw error
        },
      )
    }
}
