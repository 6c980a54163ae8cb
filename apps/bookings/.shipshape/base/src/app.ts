import { mapDatabaseError } from '@shipshape/db'
import { type App, createServer, type ServerOptions } from '@shipshape/server'
import type { Env } from './config.ts'
import type { ServiceDatabase } from './db/client.ts'
import { bookingsRoutes } from './routes/bookings.ts'

export type BuildOptions = { logger?: ServerOptions['logger'] }

/**
 * The service as an app, separate from the process (src/server.ts) so tests build it in-process: production
 * defaults from @shipshape/server first, then this service's routes. Closing the app closes the database.
 */
export async function buildApp(
  config: Env,
  database: ServiceDatabase,
  options: BuildOptions = {},
): Promise<App> {
  const app = await createServer({
    name: 'bookings',
    logger: options.logger ?? { level: config.LOG_LEVEL },
    cors: { origins: config.CORS_ORIGINS },
    trustProxy: config.TRUST_PROXY,
    rateLimit:
      config.RATE_LIMIT_MAX > 0
        ? { max: config.RATE_LIMIT_MAX, timeWindowMs: 60_000, redisUrl: config.REDIS_URL }
        : false,
    readinessChecks: { database: () => database.ping({ timeoutMs: 1_000 }) },
    mapError: mapDatabaseError,
    openapi: { title: 'bookings', version: '0.1.0' },
  })
  app.addHook('onClose', () => database.close())
  await app.register(bookingsRoutes, { prefix: '/bookings', db: database.db })
  return app
}
