import type { FastifyReply, FastifyRequest } from 'fastify'

export interface CookieNames {
  access: string
  refresh: string
}

/**
 * `__Host-` pins the access cookie to this exact host over HTTPS with Path=/ (no subdomain can set or
 * shadow it); `__Secure-` lets the refresh cookie narrow its path to /auth so it travels only to the auth
 * routes. Browsers refuse both prefixes without Secure, so without Secure the names lose their prefix.
 */
export function getCookieNames(secure: boolean): CookieNames {
  return secure
    ? { access: '__Host-access', refresh: '__Secure-refresh' }
    : { access: 'access', refresh: 'refresh' }
}

export const REFRESH_COOKIE_PATH = '/auth'

export interface SessionCookies {
  names: CookieNames
  set(
    reply: FastifyReply,
    tokens: { access: string; refresh: string },
    ttl: { access: number; refresh: number },
  ): void
  clear(reply: FastifyReply): void
  read(request: FastifyRequest): { access?: string; refresh?: string }
  isPresent(request: FastifyRequest): boolean
}

export function createSessionCookies(secure: boolean): SessionCookies {
  const names = getCookieNames(secure)
  // Lax keeps a top-level link into the app signed in; unsafe cross-site methods are stopped by the Origin check.
  const access = { httpOnly: true, secure, sameSite: 'lax', path: '/' } as const
  // Strict: the refresh token is never sent on any cross-site request, navigation included.
  const refresh = { httpOnly: true, secure, sameSite: 'strict', path: REFRESH_COOKIE_PATH } as const
  const read = (request: FastifyRequest) => ({
    access: request.cookies[names.access] || undefined,
    refresh: request.cookies[names.refresh] || undefined,
  })
  return {
    names,
    set(reply, tokens, ttl) {
      reply.setCookie(names.access, tokens.access, { ...access, maxAge: ttl.access })
      reply.setCookie(names.refresh, tokens.refresh, { ...refresh, maxAge: ttl.refresh })
    },
    clear(reply) {
      reply.clearCookie(names.access, access)
      reply.clearCookie(names.refresh, refresh)
    },
    read,
    isPresent(request) {
      const cookies = read(request)
      return cookies.access !== undefined || cookies.refresh !== undefined
    },
  }
}
