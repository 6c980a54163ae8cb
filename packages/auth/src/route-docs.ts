import { addRouteDocs, type RouteDocs, type SecuritySchemeDoc } from '@shipshape/server'
import type { FastifyInstance } from 'fastify'
import type { CookieNames } from './cookies.ts'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

function isUnsafe(method: string | string[]): boolean {
  return [method].flat().some((name) => !SAFE_METHODS.has(name))
}

/** The session and refresh cookies as OpenAPI security schemes, named as this service sets them. */
export function getSecuritySchemes(names: CookieNames): {
  session: SecuritySchemeDoc
  refresh: SecuritySchemeDoc
} {
  return {
    session: {
      type: 'apiKey',
      in: 'cookie',
      name: names.access,
      description:
        'The access cookie that /auth/signup and /auth/login set. Unsafe methods also need an Origin the service allows.',
    },
    refresh: {
      type: 'apiKey',
      in: 'cookie',
      name: names.refresh,
      description: 'The single-use refresh cookie, sent to /auth only.',
    },
  }
}

/** What every route behind `app.requireSession()` can answer besides its own responses. */
export function getSessionDocs(method: string | string[], session: SecuritySchemeDoc): RouteDocs {
  return {
    security: { session },
    problems: isUnsafe(method)
      ? { 401: ['unauthenticated'], 403: ['csrf_failed'] }
      : { 401: ['unauthenticated'] },
  }
}

/** The Origin check and the JSON-only rule apply to every unsafe /auth request, signed in or not. */
export function addAuthRouteDocs(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const unsafe = isUnsafe(route.method)
    addRouteDocs(route, {
      tags: ['auth'],
      tagDescriptions: { auth: 'Accounts and cookie sessions.' },
      problems: unsafe ? { 403: ['csrf_failed'], 415: ['unsupported_media_type'] } : {},
    })
  })
}

/** The empty body of a 204, for the route's response schema (and so the document). */
export const noContent = { type: 'null', description: 'Done; no body.' } as const
