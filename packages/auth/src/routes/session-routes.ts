import type { FastifyInstance } from 'fastify'
import type { AuthContext } from '../auth-context.ts'
import { createUnauthenticated } from '../problems.ts'
import { userResponse } from './schemas.ts'

export function registerSessionRoutes(app: FastifyInstance, auth: AuthContext): void {
  app.post('/refresh', { schema: { response: { 200: userResponse } } }, async (request, reply) => {
    const token = auth.cookies.read(request).refresh
    const result = token === undefined ? { kind: 'invalid' as const } : await auth.sessions.rotate(token)
    if (result.kind === 'reused') request.log.warn('auth: refresh token reused, session revoked')
    if (result.kind !== 'rotated') {
      auth.cookies.clear(reply)
      throw createUnauthenticated()
    }
    await auth.issueCookies(reply, result.user, result.session)
    return result.user
  })

  app.post('/logout', async (request, reply) => {
    const { access, refresh } = auth.cookies.read(request)
    const claims = access === undefined ? null : await auth.tokens.verify(access)
    if (claims !== null) await auth.sessions.revoke(claims.sessionId)
    if (refresh !== undefined) await auth.sessions.revokeByRefreshToken(refresh)
    auth.cookies.clear(reply)
    return reply.code(204).send()
  })

  app.get('/me', { schema: { response: { 200: userResponse } } }, (request) => auth.authenticate(request))
}
