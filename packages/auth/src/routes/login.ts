import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AuthContext } from '../auth-context.ts'
import type { ThrottleDecision } from '../login-throttle.ts'
import { createInvalidCredentials, createRateLimited } from '../problems.ts'
import type { AuthUser } from '../user-store.ts'
import { readLoginEmail, readPassword } from './read-input.ts'
import { AUTH_BODY_LIMIT, type CredentialsBody, credentialsBody, userResponse } from './schemas.ts'

/** Throws 429 with Retry-After when the throttle says no. */
export function assertAllowed(reply: FastifyReply, decision: ThrottleDecision): void {
  if (decision.allowed) return
  reply.header('retry-after', String(decision.retryAfterSeconds))
  reply.log.warn({ retryAfterSeconds: decision.retryAfterSeconds }, 'auth: attempt throttled')
  throw createRateLimited()
}

/**
 * Checks a password for an email. Unknown accounts verify against a dummy hash of the same cost, so both
 * failures take one argon2 verification and produce the same error.
 */
async function checkCredentials(
  auth: AuthContext,
  email: string | null,
  password: string,
): Promise<AuthUser> {
  const stored = email === null ? null : await auth.users.findByEmail(email)
  if (stored === null) {
    await auth.hasher.verifyDummy(password)
    throw createInvalidCredentials()
  }
  if (!(await auth.hasher.verify(stored.passwordHash, password))) throw createInvalidCredentials()
  if (auth.hasher.needsRehash(stored.passwordHash)) {
    await auth.users.updatePasswordHash(stored.id, await auth.hasher.hash(password))
  }
  return { id: stored.id, email: stored.email }
}

export function registerLoginRoute(app: FastifyInstance, auth: AuthContext): void {
  app.post<{ Body: CredentialsBody }>(
    '/login',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      schema: { body: credentialsBody, response: { 200: userResponse } },
      config: {
        openapi: {
          summary: 'Start a session',
          operationId: 'logIn',
          problems: { 401: ['invalid_credentials'], 429: ['rate_limited'], 503: ['unavailable'] },
        },
      },
    },
    async (request, reply) => {
      const { email, key } = readLoginEmail(request.body.email)
      const password = readPassword(request.body.password, 'password')
      assertAllowed(reply, await auth.throttle.begin(key, request.ip))
      const user = await checkCredentials(auth, email, password).catch((error: unknown) => {
        request.log.info('auth: login failed')
        throw error
      })
      await auth.throttle.succeed(key, request.ip)
      await auth.startSession(reply, user)
      request.log.info({ userId: user.id }, 'auth: login succeeded')
      return user
    },
  )
}
