import type { FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify'

/**
 * `errors`: 5xx at error (but a 503 refusal with no fault behind it at info), 4xx at info, slow requests at
 * warn. `all`: also every success at info.
 */
export type LogRequestsMode = 'errors' | 'all' | 'none'

export interface ResponseLogging {
  /** Registered as `onResponse`; undefined in `none` mode (no per-request cost at all). */
  hook: onResponseHookHandler | undefined
  /** Keeps a server fault so its one log line carries the stack; logs at once when there is no line. */
  recordFault: (request: FastifyRequest, error: unknown) => void
}

/**
 * Fastify's per-request logging (two lines per request) cost ~46% of throughput here, so it is off and this
 * writes at most one line per response, only when it matters.
 */
export function createResponseLogging(mode: LogRequestsMode, slowRequestMs: number): ResponseLogging {
  const faults = new WeakMap<FastifyRequest, unknown>()
  if (mode === 'none') {
    return {
      hook: undefined,
      recordFault: (request, error) => request.log.error({ err: error }, 'request failed'),
    }
  }
  const hook: onResponseHookHandler = (request, reply, done) => {
    logResponse(request, reply, faults.get(request))
    done()
  }
  function logResponse(request: FastifyRequest, reply: FastifyReply, fault: unknown): void {
    const status = reply.statusCode
    const responseTime = reply.elapsedTime
    const isSlow = responseTime > slowRequestMs
    if (status < 400 && !isSlow && mode === 'errors') return
    // Flat fields: Fastify installs its own `req`/`res` serializers on the logger, which would drop `route`.
    const line = {
      method: request.method,
      url: request.url,
      route: request.routeOptions.url,
      statusCode: status,
      responseTime,
    }
    // A 503 with no fault behind it is a refusal we chose (draining, shedding load, not ready), not an error.
    if (status === 503 && fault === undefined) request.log.info(line, 'request refused')
    else if (status >= 500)
      request.log.error(fault === undefined ? line : { ...line, err: fault }, 'request failed')
    else if (isSlow) request.log.warn(line, 'slow request')
    else if (status >= 400) request.log.info(line, 'request rejected')
    else request.log.info(line, 'request completed')
  }
  return { hook, recordFault: (request, error) => faults.set(request, error) }
}
