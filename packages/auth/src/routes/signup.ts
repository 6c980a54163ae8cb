import type { FastifyInstance } from 'fastify'
import type { AuthContext } from '../auth-context.ts'
import { checkPasswordPolicy } from '../password-policy.ts'
import { createEmailTaken, createWeakPassword } from '../problems.ts'
import { readEmail, readPassword } from './read-input.ts'
import { AUTH_BODY_LIMIT, type CredentialsBody, credentialsBody, userResponse } from './schemas.ts'

export function registerSignupRoute(app: FastifyInstance, auth: AuthContext): void {
  app.post<{ Body: CredentialsBody }>(
    '/signup',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      schema: { body: credentialsBody, response: { 201: userResponse } },
      config: {
        openapi: {
          summary: 'Create an account and start its session',
          operationId: 'signUp',
          problems: { 400: ['validation_failed', 'weak_password'], 409: ['email_taken'] },
        },
      },
    },
    async (request, reply) => {
      const email = readEmail(request.body.email)
      const password = readPassword(request.body.password, 'password')
      // The policy counts what was typed; the normalised form is what is hashed.
      const policy = await checkPasswordPolicy(request.body.password, auth.options.passwordMinLength)
      if (!policy.ok) throw createWeakPassword(policy.detail)
      const user = await auth.users.insert(email, await auth.hasher.hash(password))
      if (user === null) throw createEmailTaken()
      await auth.startSession(reply, user)
      request.log.info({ userId: user.id }, 'auth: account created')
      return reply.code(201).send(user)
    },
  )
}
