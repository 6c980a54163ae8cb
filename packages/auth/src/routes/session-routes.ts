import type { FastifyInstance } from 'fastify'
import type { AuthContext } from '../auth-context.ts'
import { createUnauthenticated } from '../problems.ts'
import { noContent } from '../route-docs.ts'
import { userResponse } from './schemas.ts'

export function registerSessionRoutes(app: FastifyInstance, auth: AuthContext): void {
  const refreshDocs = {
    summary: 'Rotate the session tokens',
    operationId: 'refreshSession',
    security: { refresh: auth.securitySchemes.refresh },
    problems: { 401: ['unauthenticated'] },
  }
  app.post(
    '/refresh',
    { schema: { response: { 200: userResponse } }, config: { openapi: refreshDocs } },
    async (request, reply) => {
      const token = auth.cookies.read(request).refresh
      const result = token === undefined ? { kind: 'invalid' as const } : await auth.sessions.rotate(token)
      if (result.kind === 'reused') request.log.warn('auth: refresh token reused, session revoked')
      if (result.kind !== 'rotated') {
        auth.cookies.clear(reply)
        throw createUnauthenticated()
      }
      await auth.issueCookies(reply, result.user, result.session)
      return result.user
    },
  )

  const logoutDocs = { summary: 'End the session', operationId: 'logOut' }
  app.post(
    '/logout',
    { schema: { response: { 204: noContent } }, config: { openapi: logoutDocs } },
    async (request, reply) => {
      const { access, refresh } = auth.cookies.read(request)
      const claims = access === undefined ? null : await auth.tokens.verify(access)
      if (claims !== null) await auth.sessions.revoke(claims.sessionId)
      if (refresh !== undefined) await auth.sessions.revokeByRefreshToken(refresh)
      auth.cookies.clear(reply)
      return reply.code(204).send()
    },
  )

  const meDocs = {
    summary: 'The signed-in user',
    operationId: 'getCurrentUser',
    security: { session: auth.securitySchemes.session },
    problems: { 401: ['unauthenticated'] },
  }
  app.get('/me', { schema: { response: { 200: userResponse } }, config: { openapi: meDocs } }, (request) =>
    auth.authenticate(request),
  )
}
