import diagnostics from 'node:diagnostics_channel'
import type { IncomingMessage } from 'node:http'
import { context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api'
import type { Uninstall } from './http-server-spans.ts'
import { getRequestContext, getServerSpan } from './http-server-spans.ts'

// The shapes used here, not Fastify's types: this package does not depend on Fastify at run time.
interface RouteRequest {
  raw: IncomingMessage
}
type Handler = (this: unknown, request: RouteRequest, reply: unknown) => unknown
type Hook = (this: unknown, request: RouteRequest, reply: unknown, done: () => void) => void
interface RouteOptions {
  method: string | string[]
  url: string
  handler: Handler
  onRequest?: Hook | Hook[]
}
interface FastifyLike {
  addHook(name: 'onRoute', hook: (routeOptions: RouteOptions) => void): unknown
}

export interface FastifyRouteSpansOptions {
  tracer: Tracer
  isIgnored(path: string): boolean
}

function getErrorType(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error
  const { code, name } = error as { code?: unknown; name?: unknown }
  return typeof code === 'string' ? code : typeof name === 'string' ? name : 'Error'
}

function endWith(span: Span, error: unknown): void {
  // The error's type only: a message may carry personal data or SQL, and spans are logs too.
  span.setAttribute('error.type', getErrorType(error))
  span.setStatus({ code: SpanStatusCode.ERROR })
  span.end()
}

/** Names the request's server span after the route, before any hook can answer (a 401 keeps its route). */
function createRouteNamer(route: string): Hook {
  return function nameServerSpan(request, _reply, done) {
    const span = getServerSpan(request.raw)
    if (span !== undefined) {
      span.setAttribute('http.route', route)
      span.updateName(`${request.raw.method} ${route}`)
    }
    done()
  }
}

function wrapHandler(handler: Handler, route: string, tracer: Tracer): Handler {
  const name = `route ${route}`
  const attributes = { 'http.route': route, 'code.function.name': handler.name || 'anonymous' }
  return function tracedHandler(request, reply) {
    const parent = getRequestContext(request.raw) ?? context.active()
    const span = tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent)
    // An untraced request gets back what its context holds: nothing to end, no context to enter.
    if (!span.isRecording()) return handler.call(this, request, reply)
    return context.with(trace.setSpan(parent, span), () => {
      let result: unknown
      try {
        result = handler.call(this, request, reply)
      } catch (error) {
        endWith(span, error)
        throw error
      }
      if (typeof (result as PromiseLike<unknown> | undefined)?.then !== 'function') {
        span.end()
        return result
      }
      return (result as PromiseLike<unknown>).then(
        (value) => {
          span.end()
          return value
        },
        (error: unknown) => {
          endWith(span, error)
          throw error
        },
      )
    })
  }
}

/**
 * Gives every Fastify route, on every instance the process creates (Fastify's `fastify.initialization`
 * channel), a span around its handler, under which the handler's database spans hang, and names the
 * request's server span after the route (`GET /items/:id`, `http.route`). Hooks get no span of their own:
 * the queries they make hang under the server span. Ignored paths are left as they are. Why not
 * `@fastify/otel`: docs/decisions/012-own-http-server-spans.md.
 */
export function installFastifyRouteSpans(options: FastifyRouteSpansOptions): Uninstall {
  const { tracer, isIgnored } = options
  const onRoute = (routeOptions: RouteOptions) => {
    if (isIgnored(routeOptions.url)) return
    routeOptions.handler = wrapHandler(routeOptions.handler, routeOptions.url, tracer)
    const existing = routeOptions.onRequest
    const namer = createRouteNamer(routeOptions.url)
    routeOptions.onRequest =
      existing === undefined ? namer : [namer, ...(Array.isArray(existing) ? existing : [existing])]
  }
  const onInitialization = (message: unknown) => {
    ;(message as { fastify: FastifyLike }).fastify.addHook('onRoute', onRoute)
  }
  diagnostics.subscribe('fastify.initialization', onInitialization)
  return () => diagnostics.unsubscribe('fastify.initialization', onInitialization)
}
