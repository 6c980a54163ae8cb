import fastifyCookie from '@fastify/cookie'
import { OptionsError } from '@shipshape/errors'
import { addRouteDocs } from '@shipshape/server'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { type AuthContext, createAuthContext } from './auth-context.ts'
import { checkCsrf } from './csrf.ts'
import { type AuthPluginOptions, resolveAuthOptions } from './options.ts'
import { createCsrfFailed, createUnauthenticated, createUnsupportedMediaType } from './problems.ts'
import { addAuthRouteDocs, getSessionDocs } from './route-docs.ts'
import { registerChangePasswordRoute } from './routes/change-password.ts'
import { registerLoginRoute } from './routes/login.ts'
import { registerSessionRoutes } from './routes/session-routes.ts'
import { registerSignupRoute } from './routes/signup.ts'
import type { AuthUser } from './user-store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: sets `request.user` from a live session, or answers 401 `unauthenticated`. */
    authenticate(request: FastifyRequest): Promise<void>
    /**
     * Guards every route of the calling plugin with `authenticate` (run onRequest, so the user is known
     * before idempotency scopes a key), and documents them as needing the session cookie. Call it before
     * declaring the plugin's routes.
     */
    requireSession(): void
  }
  interface FastifyRequest {
    user: AuthUser | null
  }
}

export const AUTH_PREFIX = '/auth'

/** The signed-in user of a route guarded by `app.authenticate`; 401 if the guard was forgotten. */
export function requireUser(request: FastifyRequest): AuthUser {
  if (request.user === null) throw createUnauthenticated()
  return request.user
}

const AUTH_SUBPATH = `${AUTH_PREFIX}/`
const AUTH_QUERY = `${AUTH_PREFIX}?`

/** `/auth`, anything below it, and `/auth` with a query string; not `/authors`. */
function isAuthPath(path: string): boolean {
  return path === AUTH_PREFIX || path.startsWith(AUTH_SUBPATH) || path.startsWith(AUTH_QUERY)
}

function isAuthRoute(request: FastifyRequest): boolean {
  return isAuthPath(request.routeOptions.url ?? request.url)
}

function addCsrfHook(app: FastifyInstance, auth: AuthContext): void {
  // A callback hook, not an async one: the common case (no cookie, not /auth) costs no promise.
  app.addHook('onRequest', (request, _reply, done) => {
    const carriesCookie = auth.cookies.isPresent(request)
    if (!carriesCookie && !isAuthRoute(request)) return done()
    const verdict = checkCsrf(request, auth.options.allowedOrigins, carriesCookie)
    if (verdict === 'csrf_failed') return done(createCsrfFailed())
    if (verdict === 'unsupported_media_type') return done(createUnsupportedMediaType())
    done()
  })
}

/**
 * Tokens and user data must never sit in a shared or browser cache, so every response under /auth is
 * no-store, whoever answers it: the routes, the 404 handler, the body parser, CORS preflight, the server's
 * rate limit. This one root onSend hook sees all of them, where a hook inside the /auth context would miss
 * the answers given outside its routes. (Router-level errors reach no hook: the server marks them no-store.)
 */
function addNoStoreHook(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (isAuthPath(request.url)) reply.header('cache-control', 'no-store')
    done(null, payload)
  })
}

async function registerAuthRoutes(app: FastifyInstance, auth: AuthContext): Promise<void> {
  addAuthRouteDocs(app)
  registerSignupRoute(app, auth)
  registerLoginRoute(app, auth)
  registerSessionRoutes(app, auth)
  registerChangePasswordRoute(app, auth)
}

/**
 * Cookie-session authentication: /auth routes, `app.authenticate`, and an Origin check on every unsafe
 * request that carries the session cookies. Register once, on the root instance.
 */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, rawOptions) => {
    const auth = await createAuthContext(resolveAuthOptions(rawOptions), app.log)
    app.addHook('onClose', () => auth.close())
    if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie)
    app.decorateRequest('user', null)
    app.decorate('authenticate', async (request: FastifyRequest) => {
      request.user = await auth.authenticate(request)
    })
    // A hook reaches every route of its plugin, an onRoute hook only the routes declared after it: a route
    // declared before requireSession() would be guarded but documented as public, so that order is refused.
    const declaredOn = new WeakSet<FastifyInstance>()
    app.addHook('onRoute', function markDeclared(this: FastifyInstance) {
      declaredOn.add(this)
    })
    app.decorate('requireSession', function requireSession(this: FastifyInstance) {
      if (declaredOn.has(this)) {
        throw new OptionsError(
          'SHIPSHAPE_AUTH_SESSION_ORDER_INVALID',
          'call app.requireSession() before declaring the routes of its plugin: it guards all of them',
        )
      }
      this.addHook('onRequest', this.authenticate)
      this.addHook('onRoute', (route) =>
        addRouteDocs(route, getSessionDocs(route.method, auth.securitySchemes.session)),
      )
    })
    addCsrfHook(app, auth)
    addNoStoreHook(app)
    await app.register(async (child) => registerAuthRoutes(child, auth), { prefix: AUTH_PREFIX })
  },
  { name: '@shipshape/auth', fastify: '5.x' },
)
