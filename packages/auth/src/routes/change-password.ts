import type { FastifyInstance } from 'fastify'
import type { AuthContext } from '../auth-context.ts'
import { getEmailKey } from '../email.ts'
import { checkPasswordPolicy } from '../password-policy.ts'
import { createInvalidCredentials, createUnauthenticated, createWeakPassword } from '../problems.ts'
import { noContent } from '../route-docs.ts'
import { assertAllowed } from './login.ts'
import { readPassword } from './read-input.ts'
import { AUTH_BODY_LIMIT, type ChangePasswordBody, changePasswordBody } from './schemas.ts'

export function registerChangePasswordRoute(app: FastifyInstance, auth: AuthContext): void {
  app.post<{ Body: ChangePasswordBody }>(
    '/password',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      schema: { body: changePasswordBody, response: { 204: noContent } },
      config: {
        openapi: {
          summary: 'Change the password and end every other session',
          operationId: 'changePassword',
          security: { session: auth.securitySchemes.session },
          problems: {
            400: ['validation_failed', 'weak_password'],
            401: ['unauthenticated', 'invalid_credentials'],
            429: ['rate_limited'],
            503: ['unavailable'],
          },
        },
      },
    },
    async (request, reply) => {
      const user = await auth.authenticate(request)
      const sessionId = auth.getSessionId(request)
      const stored = await auth.users.findById(user.id)
      if (stored === null || sessionId === undefined) throw createUnauthenticated()
      const current = readPassword(request.body.currentPassword, 'currentPassword')
      const next = readPassword(request.body.newPassword, 'newPassword')
      // A stolen access cookie must not turn into unlimited guesses at the current password.
      const key = getEmailKey(stored.email)
      assertAllowed(reply, await auth.throttle.begin(key, request.ip))
      if (!(await auth.hasher.verify(stored.passwordHash, current))) throw createInvalidCredentials()
      await auth.throttle.succeed(key, request.ip)
      // The policy counts what was typed; the normalised form is what is hashed.
      const policy = await checkPasswordPolicy(request.body.newPassword, auth.options.passwordMinLength)
      if (!policy.ok) throw createWeakPassword(policy.detail)
      await auth.users.updatePasswordHash(user.id, await auth.hasher.hash(next))
      await auth.sessions.revokeOthers(user.id, sessionId)
      request.log.info({ userId: user.id }, 'auth: password changed, other sessions revoked')
      return reply.code(204).send()
    },
  )
}
