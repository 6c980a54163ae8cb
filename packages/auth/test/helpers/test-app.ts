import { Writable } from 'node:stream'
import { createServer } from '@shipshape/server'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { afterAll } from 'vitest'
import { type AuthPluginOptions, authPlugin } from '../../src/index.ts'
import { cheapArgon2Params } from '../../src/testing/index.ts'
import { createNotesRoutes } from './notes-routes.ts'
import { createTestDatabase, type TestDatabase } from './test-database.ts'

export const ORIGIN = 'https://app.example.test'
export const JWT_SECRET = 'test-secret-that-is-at-least-32-bytes-long!'
export const STRONG_PASSWORD = 'violet lantern drifting seaward'

export interface TestApp {
  app: FastifyInstance
  /** Every log line the app wrote, raw. */
  logs: string[]
  close(): Promise<void>
}

export async function buildTestApp(
  database: TestDatabase,
  overrides: Partial<AuthPluginOptions> = {},
  addRoutes?: (app: FastifyInstance) => Promise<void>,
): Promise<TestApp> {
  const logs: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk))
      done()
    },
  })
  // The server's own per-address rate limit is off so that only the auth throttle answers 429 here.
  const app = await createServer({
    name: 'auth-test',
    logger: { level: 'trace', stream },
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
  await app.ready()
  return { app, logs, close: () => app.close() }
}

/** `name=value` pairs of a response's Set-Cookie headers, ready to send back as a Cookie header. */
export function getCookieHeader(response: LightMyRequestResponse): string {
  return response.cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ')
}

export function getCookie(response: LightMyRequestResponse, name: string): string | undefined {
  return response.cookies.find((cookie) => cookie.name === name)?.value
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

/** A fresh database and app for one test file, closed after its tests: call it at the top level of the file. */
export async function setupTestApp(overrides: Partial<AuthPluginOptions> = {}) {
  const database = await createTestDatabase()
  const test = await buildTestApp(database, overrides)
  afterAll(async () => {
    await test.close()
    await database.drop()
  })
  return { database, test }
}
