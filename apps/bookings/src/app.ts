import { type AuthPluginOptions, authPlugin } from '@shipshape/auth'
import { createMigrationCheck, mapDatabaseError } from '@shipshape/db'
import { idempotencyPlugin } from '@shipshape/idempotency'
import { createClient } from '@shipshape/outbound'
import { type App, createServer, type ServerOptions } from '@shipshape/server'
import { webhooksPlugin } from '@shipshape/webhooks'
import type { Env } from './config.ts'
import { migrationsFolder, type ServiceDatabase } from './db/client.ts'
import { startEventDelivery } from './domain/event-delivery.ts'
import { createRefunder } from './domain/refunds.ts'
import { bookingsRoutes } from './routes/bookings.ts'
import { resourcesRoutes } from './routes/resources.ts'
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
    name: 'bookings',
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
      title: 'bookings',
      version: '0.2.0',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    ...(options.underPressure === undefined ? {} : { underPressure: options.underPressure }),
  })
  app.addHook('onClose', () => database.close())
  await app.register(authPlugin, {
    db: database.db,
    jwtSecret: config.JWT_SECRET,
    issuer: 'bookings',
    audience: 'bookings',
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
      stripe: { scheme: 'stripe', secrets: [config.STRIPE_WEBHOOK_SECRET] },
    },
    onEvent: handleWebhook,
    // A payment for a booking not committed yet is answered 409 so the provider redelivers it.
    eventProblems: { 409: ['booking_not_ready'] },
  })
  // One client per dependency: its circuit breaker and bulkhead are shared by every request and the sweep.
  const payments = createClient({
    name: 'payments',
    baseUrl: config.PAYMENT_PROVIDER_URL,
    timeoutMs: config.PAYMENT_TIMEOUT_MS,
    retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 1_000 },
    breaker: { threshold: 5, halfOpenAfterMs: config.PAYMENT_BREAKER_HALF_OPEN_MS },
    logger: app.log,
  })
  const refunder = createRefunder({
    db: database.db,
    client: payments,
    apiKey: config.PAYMENT_PROVIDER_API_KEY,
    log: app.log,
  })
  app.addHook('onReady', async () => refunder.start(config.REFUND_RETRY_INTERVAL_MS))
  app.addHook('onClose', () => refunder.stop())
  startOutbox(app, config, database)
  await app.register(resourcesRoutes, { prefix: '/resources', db: database.db })
  await app.register(bookingsRoutes, {
    prefix: '/bookings',
    db: database.db,
    holdSeconds: config.BOOKING_HOLD_SECONDS,
    refunder,
  })
  return app
}

/**
 * Delivers the booking events of the outbox to the notifications service through pg-boss, which needs
 * PostgreSQL: on the embedded database, or without NOTIFICATIONS_URL, events stay in the outbox.
 */
function startOutbox(app: App, config: Env, database: ServiceDatabase): void {
  const { DATABASE_URL: connectionString, NOTIFICATIONS_URL: baseUrl } = config
  const secret = config.NOTIFICATIONS_WEBHOOK_SECRET
  if (!connectionString || !baseUrl || !secret) {
    app.log.info('booking events stay in the outbox: set DATABASE_URL, NOTIFICATIONS_URL and its secret')
    return
  }
  const client = createClient({ name: 'notifications', baseUrl, timeoutMs: 2_000, retry: { maxAttempts: 1 } })
  let delivery: Awaited<ReturnType<typeof startEventDelivery>> | undefined
  app.addHook('onReady', async () => {
    delivery = await startEventDelivery({
      db: database.db,
      connectionString,
      client,
      secret,
      relayIntervalMs: config.OUTBOX_RELAY_INTERVAL_MS,
      retry: {
        delaySeconds: config.OUTBOX_RETRY_DELAY_SECONDS,
        maxDelaySeconds: config.OUTBOX_RETRY_DELAY_MAX_SECONDS,
        limit: config.OUTBOX_RETRY_LIMIT,
      },
      retentionHours: config.OUTBOX_RETENTION_HOURS,
      pruneIntervalMs: config.OUTBOX_PRUNE_INTERVAL_MS,
      log: app.log,
    })
  })
  app.addHook('onClose', async () => delivery?.stop())
}
