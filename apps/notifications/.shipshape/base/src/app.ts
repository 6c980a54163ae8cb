import { type AuthPluginOptions, authPlugin } from '@shipshape/auth'
import { createMigrationCheck, mapDatabaseError } from '@shipshape/db'
import { idempotencyPlugin } from '@shipshape/idempotency'
import { type App, createServer, type ServerOptions } from '@shipshape/server'
import { webhooksPlugin } from '@shipshape/webhooks'
import type { Env } from './config.ts'
import { migrationsFolder, type ServiceDatabase } from './db/client.ts'
import { preferencesRoutes } from './routes/preferences.ts'
import { handleWebhook } from './webhooks.ts'

export type BuildOptions = {
  logger?: ServerOptions['logger']
  /** Overrides for the auth plugin; tests use them (cheaper hashing, tighter throttles), services need none. */
  auth?: Partial<AuthPluginOptions>
  /**
   * Load shedding (503 when the event loop is saturated); on by default. The in-process tests turn it off:
   * they share a busy machine with other test workers, which is not the overload it protects against.
   */
  underPressure?: ServerOptions['underPressure']
  /** Node's header and request timeouts, for a test that needs a late request's 408 in seconds. */
  limits?: Pick<ServerOptions, 'headersTimeoutMs' | 'requestTimeoutMs'>
}

/**
 * The service as an app, separate from the process (src/server.ts) so tests build it in-process: production
 * defaults from @shipshape/server, then auth, idempotency and webhooks, then this service's routes. Closing
 * the app closes the database.
 */
export async function buildApp(
  config: Env,
  database: ServiceDatabase,
  options: BuildOptions = {},
): Promise<App> {
  const app = await createServer({
    name: 'notifications',
    ...options.limits,
    logger: options.logger ?? { level: config.LOG_LEVEL },
    cors: { origins: config.CORS_ORIGINS },
    trustProxy: config.TRUST_PROXY,
    rateLimit:
      config.RATE_LIMIT_MAX > 0
        ? { max: config.RATE_LIMIT_MAX, timeWindowMs: 60_000, redisUrl: config.REDIS_URL }
        : false,
    // Both probe on a connection of their own, never the request pool, so a busy service stays ready.
    // `migrations` keeps an instance started before `db:migrate` out of rotation until they are applied.
    // The contract: an unreachable database → /readyz 503 within 1 s, so each check gives up at 700 ms
    // (a healthy database answers a probe in milliseconds), leaving room for a loaded machine.
    readinessChecks: {
      database: () => database.ping({ timeoutMs: 700 }),
      migrations: createMigrationCheck(database, { migrationsFolder, timeoutMs: 700 }),
    },
    readinessTimeoutMs: 800,
    mapError: mapDatabaseError,
    // Served at /openapi.json and exported by `pnpm openapi`; routes describe themselves (see src/routes).
    openapi: {
      title: 'notifications',
      version: '0.2.0',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    ...(options.underPressure === undefined ? {} : { underPressure: options.underPressure }),
  })
  app.addHook('onClose', () => database.close())
  await app.register(authPlugin, {
    db: database.db,
    jwtSecret: config.JWT_SECRET,
    issuer: 'notifications',
    audience: 'notifications',
    allowedOrigins: [...config.AUTH_ORIGINS, ...config.CORS_ORIGINS],
    passwordMinLength: config.PASSWORD_MIN_LENGTH,
    cookieSecure: config.COOKIE_SECURE,
    throttle: { redis: config.REDIS_URL },
    ...options.auth,
  })
  await app.register(idempotencyPlugin, { db: database.db })
  await app.register(webhooksPlugin, {
    prefix: '/webhooks',
    db: database.db,
    sources: {
      partner: {
        scheme: 'standard',
        secrets: [config.WEBHOOK_SECRET, config.WEBHOOK_SECRET_PREVIOUS ?? []].flat(),
      },
    },
    onEvent: handleWebhook,
  })
  await app.register(preferencesRoutes, { prefix: '/preferences', db: database.db })
  return app
}
