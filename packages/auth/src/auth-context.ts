import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import { type AccessTokens, createAccessTokens } from './access-token.ts'
import { createSessionCookies, type SessionCookies } from './cookies.ts'
import { createLoginThrottle, type LoginThrottle } from './login-throttle.ts'
import type { ResolvedAuthOptions } from './options.ts'
import { createPasswordHasher, type PasswordHasher } from './password-hasher.ts'
import { createThrottleUnavailable, createUnauthenticated } from './problems.ts'
import { getSecuritySchemes } from './route-docs.ts'
import { createSessionStore, type SessionStore } from './session-store.ts'
import { createMemoryThrottleStore, createRedisThrottleStore } from './throttle-store.ts'
import { type AuthUser, createUserStore, type UserStore } from './user-store.ts'

// ioredis (~90 ms and ~15 MiB to load) is loaded only when the throttle is given a Redis URL, through a
// dynamic import() a bundler can follow (a createRequire'd `require` would be resolved from the service).

export interface AuthContext {
  options: ResolvedAuthOptions
  hasher: PasswordHasher
  tokens: AccessTokens
  users: UserStore
  sessions: SessionStore
  throttle: LoginThrottle
  cookies: SessionCookies
  /** The cookies as OpenAPI security schemes, for the routes that require them. */
  securitySchemes: ReturnType<typeof getSecuritySchemes>
  /** Starts a login: a session row, a refresh token, both cookies. */
  startSession(reply: FastifyReply, user: AuthUser): Promise<void>
  issueCookies(
    reply: FastifyReply,
    user: AuthUser,
    session: { sessionId: string; refreshToken: string },
  ): Promise<void>
  /** Resolves the caller from the access cookie, or throws 401; remembers the session for later handlers. */
  authenticate(request: FastifyRequest): Promise<AuthUser>
  getSessionId(request: FastifyRequest): string | undefined
  close(): Promise<void>
}

async function createThrottleRedis(redis: ResolvedAuthOptions['redis'], log: FastifyBaseLogger) {
  if (redis === undefined) return { store: createMemoryThrottleStore(), close: async () => {} }
  // A few fast retries, then the command fails: a login must not hang while Redis is away.
  const client =
    typeof redis === 'string'
      ? new (await import('ioredis')).Redis(redis, { maxRetriesPerRequest: 1, connectTimeout: 2_000 })
      : redis
  const ownsClient = typeof redis === 'string'
  // Without a listener an unreachable Redis would be an unhandled 'error' event on every reconnect attempt.
  if (ownsClient) client.on('error', (error: Error) => log.warn({ err: error }, 'auth: throttle Redis error'))
  return {
    store: createRedisThrottleStore(client),
    close: async () => {
      if (ownsClient) await client.quit().catch(() => client.disconnect())
    },
  }
}

/** A throttle that cannot count refuses (503) instead of letting unlimited guesses through. */
function failClosed(throttle: LoginThrottle): LoginThrottle {
  const guard = <T>(run: () => Promise<T>) =>
    run().catch((error: unknown) => {
      throw createThrottleUnavailable(error)
    })
  return {
    begin: (emailKey, address) => guard(() => throttle.begin(emailKey, address)),
    succeed: (emailKey, address) => guard(() => throttle.succeed(emailKey, address)),
  }
}

export async function createAuthContext(
  options: ResolvedAuthOptions,
  log: FastifyBaseLogger,
): Promise<AuthContext> {
  const hasher = await createPasswordHasher({ params: options.argon2, concurrency: options.hashConcurrency })
  const tokens = createAccessTokens({ ...options, ttlSeconds: options.accessTtlSeconds })
  const users = createUserStore(options.db, options.tables)
  const sessions = createSessionStore(options.db, options.tables, options)
  const throttleBackend = await createThrottleRedis(options.redis, log)
  const cookies = createSessionCookies(options.cookieSecure)
  const sessionIds = new WeakMap<FastifyRequest, string>()

  const issueCookies: AuthContext['issueCookies'] = async (reply, user, session) => {
    const access = await tokens.sign({ userId: user.id, sessionId: session.sessionId })
    cookies.set(
      reply,
      { access, refresh: session.refreshToken },
      { access: options.accessTtlSeconds, refresh: options.refreshIdleTtlSeconds },
    )
  }

  return {
    options,
    hasher,
    tokens,
    users,
    sessions,
    throttle: failClosed(createLoginThrottle(throttleBackend.store, options.throttle)),
    cookies,
    securitySchemes: getSecuritySchemes(cookies.names),
    issueCookies,
    async startSession(reply, user) {
      await issueCookies(reply, user, await sessions.start(user.id))
    },
    async authenticate(request) {
      const token = cookies.read(request).access
      const claims = token === undefined ? null : await tokens.verify(token)
      // The signature alone is not enough: the session row must still be live, so logout and refresh-token
      // reuse kill access tokens inside their 15 minutes.
      const user = claims === null ? null : await sessions.findLiveUser(claims.sessionId, claims.userId)
      if (claims === null || user === null) throw createUnauthenticated()
      sessionIds.set(request, claims.sessionId)
      return user
    },
    getSessionId: (request) => sessionIds.get(request),
    close: throttleBackend.close,
  }
}
