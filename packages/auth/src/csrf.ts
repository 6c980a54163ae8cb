import type { FastifyRequest } from 'fastify'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/

export type CsrfVerdict = 'pass' | 'csrf_failed' | 'unsupported_media_type'

/** Serialised origins (`https://app.example:8443`); throws on anything that is not an http(s) origin. */
export function normalizeOrigins(origins: readonly string[]): Set<string> {
  return new Set(
    origins.map((origin) => {
      const url = new URL(origin)
      if (
        (url.protocol !== 'https:' && url.protocol !== 'http:') ||
        url.origin !== origin.replace(/\/$/, '')
      ) {
        throw new TypeError(`not an origin: ${origin}`)
      }
      return url.origin
    }),
  )
}

function getRequestOrigin(request: FastifyRequest): string | undefined {
  const { origin, referer } = request.headers
  if (origin !== undefined) return origin
  if (referer === undefined) return undefined
  try {
    return new URL(referer).origin
  } catch {
    return 'null'
  }
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length']
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

function isJson(request: FastifyRequest): boolean {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  return type !== undefined && JSON_MEDIA_TYPE.test(type)
}

/**
 * Decides whether an unsafe request may proceed. A request that carries the session cookies must come from
 * an allowed origin (a browser always sends Origin on cross-site POSTs, and SameSite=Lax alone does not stop
 * same-site attackers); an auth route without cookies is refused only when it names a foreign origin (login
 * CSRF) so non-browser clients still work. A body must be JSON: a cross-site form or `text/plain` "simple
 * request" can be sent without a CORS preflight, JSON cannot.
 */
export function checkCsrf(
  request: FastifyRequest,
  allowed: Set<string>,
  carriesCookie: boolean,
): CsrfVerdict {
  if (SAFE_METHODS.has(request.method)) return 'pass'
  const origin = getRequestOrigin(request)
  if (carriesCookie && (origin === undefined || !allowed.has(origin))) return 'csrf_failed'
  if (!carriesCookie && origin !== undefined && !allowed.has(origin)) return 'csrf_failed'
  if (hasBody(request) && !isJson(request)) return 'unsupported_media_type'
  return 'pass'
}
