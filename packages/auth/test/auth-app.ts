import { fileURLToPath } from 'node:url'
import type { App } from '@shipshape/server'
import { createServer } from '@shipshape/server'
import {
  captureLogs,
  createTestDatabase,
  type LogCapture,
  type TestDatabase,
  type TestServiceOptions,
} from '@shipshape/testing'
import type { FastifyInstance } from 'fastify'
import { type AuthPluginOptions, authPlugin } from '../src/index.ts'
import { cheapArgon2Params } from '../src/testing/index.ts'
import { createNotesRoutes } from './notes-routes.ts'

export const ORIGIN = 'https://app.example.test'
export const JWT_SECRET = 'test-secret-that-is-at-least-32-bytes-long!'
export const STRONG_PASSWORD = 'violet lantern drifting seaward'

const migrationsFolder = fileURLToPath(new URL('./fixtures/migrations', import.meta.url))

/** A fresh PostgreSQL database with the fixture migration applied, so test files can run in parallel. */
export function createAuthDatabase(): Promise<TestDatabase> {
  return createTestDatabase({ migrationsFolder, requirePostgres: true })
}

export function getRedisUrl(): string {
  const value = process.env.REDIS_URL
  if (!value) throw new Error('REDIS_URL is not set: needs a real server (test.sh starts one)')
  return value
}

/** The package's test app on `database`, its log lines (trace and up) written to `logs`. */
async function createAuthApp(
  database: TestDatabase,
  logs: LogCapture,
  overrides: Partial<AuthPluginOptions>,
  addRoutes?: (app: FastifyInstance) => Promise<void>,
): Promise<App> {
  // The server's own per-address rate limit is off so that only the auth throttle answers 429 here.
  const app = await createServer({
    name: 'auth-test',
    logger: { level: 'trace', stream: logs.stream },
    logRequests: 'all',
    rateLimit: false,
    underPressure: false,
  })
  await app.register(authPlugin, {
    db: database.db,
    jwtSecret: JWT_SECRET,
    issuer: 'https://auth.example.test',
    audience: 'shipshape-test',
    allowedOrigins: [ORIGIN],
    testArgon2Params: cheapArgon2Params,
    throttle: { maxFailuresPerAccount: 1000, maxFailuresPerAddress: 1000, windowSeconds: 60 },
    ...overrides,
  })
  // Logs what a careless handler might: every header and the body. The server's redaction must hide secrets.
  app.addHook('preHandler', async (request) => {
    request.log.debug({ headers: request.headers, body: request.body }, 'incoming request')
  })
  app.get('/private', { preHandler: app.authenticate }, async (request) => ({ user: request.user }))
  app.post('/private', { preHandler: app.authenticate }, async () => ({ ok: true }))
  await app.register(createNotesRoutes(database.db), { prefix: '/notes' })
  if (addRoutes) await addRoutes(app)
  return app
}

/**
 * The auth app on its own database, for `@shipshape/testing`'s `setupTestService` and `createServiceTest`:
 * `const { app, database, logs } = await setupTestService(authService())`.
 */
export function authService(
  overrides: Partial<AuthPluginOptions> = {},
): TestServiceOptions<Record<string, never>> & { requirePostgres: true } {
  return {
    migrationsFolder,
    requirePostgres: true,
    build: (database, logs) => createAuthApp(database as TestDatabase, logs, overrides),
  }
}

export interface AuthApp {
  app: App
  logs: LogCapture
  close(): Promise<void>
}

/** Another auth app on a database a test already has (other options, same rows); the test closes it. */
export async function buildAuthApp(
  database: TestDatabase,
  overrides: Partial<AuthPluginOptions> = {},
  addRoutes?: (app: FastifyInstance) => Promise<void>,
): Promise<AuthApp> {
  const logs = captureLogs()
  const app = await createAuthApp(database, logs, overrides, addRoutes)
  await app.ready()
  return { app, logs, close: () => app.close() }
}

export const jsonHeaders = (cookie?: string) => ({
  origin: ORIGIN,
  'content-type': 'application/json',
  ...(cookie ? { cookie } : {}),
})

export async function signUp(app: FastifyInstance, email: string, password = STRONG_PASSWORD) {
  return app.inject({
    method: 'POST',
    url: '/auth/signup',
    headers: jsonHeaders(),
    payload: { email, password },
  })
}

export async function logIn(
  app: FastifyInstance,
  email: string,
  password = STRONG_PASSWORD,
  remoteAddress = '127.0.0.1',
) {
  return app.inject({
    method: 'POST',
    url: '/auth/login',
    headers: jsonHeaders(),
    payload: { email, password },
    remoteAddress,
  })
}
