import type { EventEmitter } from 'node:events'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api'

// Not `import http from 'node:http'`: the ES facade of a builtin reads every export, and `http`'s lazy
// `WebSocket` loads undici (and with it http2, zlib, assert): ~10 ms at start for nothing.
const http = process.getBuiltinModule('node:http')
const https = process.getBuiltinModule('node:https')

/** The context a request runs in, kept on the request so its later events (the body) run in it too. */
const kContext = Symbol('@shipshape/telemetry.context')
/** The request's server span, while it is recording: the route layer names it, the response ends it. */
const kServerSpan = Symbol('@shipshape/telemetry.serverSpan')

interface Carrier {
  [kContext]?: Context
}

interface TracedRequest extends IncomingMessage, Carrier {
  [kServerSpan]?: Span
}

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean

export interface HttpServerSpansOptions {
  tracer: Tracer
  /** Paths (without the query) that get no span: they run under `suppressed`, so nothing below traces. */
  isIgnored(path: string): boolean
  /** A context with tracing suppressed, made once. */
  suppressed: Context
}

export type Uninstall = () => void

// The methods semantic conventions name; any other is reported as `_OTHER` (a client may send anything).
const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
])

const headerGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
}

function splitPath(url: string | undefined): string {
  const path = url ?? '/'
  const queryStart = path.indexOf('?')
  return queryStart === -1 ? path : path.slice(0, queryStart)
}

/** The span of the request a Fastify route belongs to, if it is recording. */
export function getServerSpan(request: IncomingMessage): Span | undefined {
  return (request as TracedRequest)[kServerSpan]
}

/** The context the request's server span runs in, if the request is traced. */
export function getRequestContext(request: IncomingMessage): Context | undefined {
  return (request as TracedRequest)[kContext]
}

function getRequestAttributes(request: IncomingMessage, method: string, path: string, scheme: string) {
  // No `url.query`: query strings carry personal data and tokens, and nothing here may log them.
  const attributes: Attributes = {
    'http.request.method': method,
    'url.path': path,
    'url.scheme': scheme,
    'network.protocol.version': request.httpVersion,
  }
  if (method === '_OTHER') attributes['http.request.method_original'] = request.method
  const host = request.headers.host
  if (host !== undefined) {
    const portStart = host.lastIndexOf(':')
    const hasPort = portStart > host.lastIndexOf(']')
    attributes['server.address'] = hasPort ? host.slice(0, portStart) : host
    if (hasPort) attributes['server.port'] = Number(host.slice(portStart + 1))
  }
  const userAgent = request.headers['user-agent']
  if (userAgent !== undefined) attributes['user_agent.original'] = userAgent
  const clientAddress = request.socket.remoteAddress
  if (clientAddress !== undefined) attributes['client.address'] = clientAddress
  return attributes
}

function endServerSpan(this: ServerResponse): void {
  const request = this.req as TracedRequest
  const span = request[kServerSpan]
  if (span === undefined) return
  request[kServerSpan] = undefined
  if (this.writableFinished || this.headersSent)
    span.setAttribute('http.response.status_code', this.statusCode)
  if (!this.writableFinished) {
    // The client went away (or the socket broke) before the whole answer was written.
    span.setAttribute('error.type', 'response_aborted')
    span.setStatus({ code: SpanStatusCode.ERROR })
  } else if (this.statusCode >= 500) {
    span.setAttribute('error.type', String(this.statusCode))
    span.setStatus({ code: SpanStatusCode.ERROR })
  }
  span.end()
}

function createRequestEmit(original: Emit, scheme: string, options: HttpServerSpansOptions): Emit {
  const { tracer, isIgnored, suppressed } = options
  return function emit(this: unknown, event, ...args) {
    if (event !== 'request') return original.call(this, event, ...args)
    const request = args[0] as TracedRequest
    const response = args[1] as ServerResponse & Carrier
    const path = splitPath(request.url)
    if (isIgnored(path)) return context.with(suppressed, original, this, event, request, response)

    const parent = propagation.extract(ROOT_CONTEXT, request.headers, headerGetter)
    const method = KNOWN_METHODS.has(request.method ?? '') ? (request.method as string) : '_OTHER'
    // The attributes come after the sampling decision: the samplers this package configures (the
    // `OTEL_TRACES_SAMPLER` values, create-tracer-provider.ts) never read them, and an unsampled request
    // would build and sanitise them for a span that keeps none.
    const span = tracer.startSpan(method === '_OTHER' ? 'HTTP' : method, { kind: SpanKind.SERVER }, parent)
    const active = trace.setSpan(parent, span)
    request[kContext] = active
    response[kContext] = active
    if (span.isRecording()) {
      span.setAttributes(getRequestAttributes(request, method, path, scheme))
      request[kServerSpan] = span
      response.once('close', endServerSpan)
    }
    return context.with(active, original, this, event, request, response)
  }
}

/**
 * Makes one SERVER span per HTTP request on every `http` and `https` server of the process, by wrapping
 * their `emit` on the prototypes (so servers made before this call are covered too). The handler, and the
 * request's later events (its body arrives after `emit` returns), run in the span's context; an ignored
 * path runs under suppressed tracing and costs one `Set` lookup. Why not `@opentelemetry/instrumentation-http`:
 * see docs/decisions/012-own-http-server-spans.md. Returns a function that puts the originals back.
 */
export function installHttpServerSpans(options: HttpServerSpansOptions): Uninstall {
  const patched: [object, Emit][] = []
  const patch = (prototype: { emit: Emit }, wrap: (original: Emit) => Emit) => {
    const own = Object.hasOwn(prototype, 'emit') ? prototype.emit : undefined
    patched.push([prototype, own as Emit])
    prototype.emit = wrap(prototype.emit)
  }
  patch(http.Server.prototype as unknown as { emit: Emit }, (original) =>
    createRequestEmit(original, 'http', options),
  )
  patch(https.Server.prototype as unknown as { emit: Emit }, (original) =>
    createRequestEmit(original, 'https', options),
  )
  // A request's later events come from its connection, not from its context: its body (`data`, `end`)
  // and its response's `finish` and `close` (where Fastify runs onResponse hooks and logs the request).
  // Each one somebody listens to re-enters the request's context. Most have no listener (`socket`,
  // `prefinish`, `readable`, `resume`, ...): they run no code, so no context is entered for them. An
  // object that carries no context pays one property read.
  const enterOwnContext = (original: Emit): Emit =>
    function emit(this: unknown, event, ...args) {
      const active = (this as Carrier)[kContext]
      return active === undefined || (this as EventEmitter).listenerCount(event) === 0
        ? original.call(this, event, ...args)
        : context.with(active, original, this, event, ...args)
    }
  patch(http.IncomingMessage.prototype as unknown as { emit: Emit }, enterOwnContext)
  patch(http.ServerResponse.prototype as unknown as { emit: Emit }, enterOwnContext)

  return () => {
    for (const [prototype, own] of patched.reverse()) {
      if (own === undefined) delete (prototype as { emit?: Emit }).emit
      else (prototype as { emit: Emit }).emit = own
    }
  }
}
