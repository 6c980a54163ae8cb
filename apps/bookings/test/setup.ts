import { randomUUID } from 'node:crypto'
import type { AuthPluginOptions } from '@shipshape/auth'
import { loadEnv } from '@shipshape/config'
import type { PoolOptions } from '@shipshape/db'
import type { App } from '@shipshape/server'
import { getCookieHeader, setupTestService, watchOpenApiConformance } from '@shipshape/testing'
import { afterAll, expect } from 'vitest'
import { type BuildOptions, buildApp } from '../src/app.ts'
import { envSchema } from '../src/config.ts'
import { migrationsFolder } from '../src/db/client.ts'
import * as schema from '../src/db/schema.ts'

/** The Origin a browser on the service's own pages sends; cookie-authenticated writes need it. */
export const origin = 'http://127.0.0.1:3000'
/** The webhook secret the tests sign deliveries with. */
export const webhookSecret = `whsec_${Buffer.from('the bookings test webhook secret').toString('base64')}`
export const password = 'violet lantern drifting seaward'
/** Argon2 at test cost; the auth contract suite measures the production parameters where it matters. */
export const cheapArgon2: AuthPluginOptions['testArgon2Params'] = {
  params: { memoryCost: 256, timeCost: 1, parallelism: 1 },
  unsafeTestOnly: true,
}

/** The service's config as tests see it: quiet logs and no per-address rate limit unless a test asks. */
export function getTestConfig(overrides: Record<string, string> = {}) {
  const source = { APP_ENV: 'test', RATE_LIMIT_MAX: '0', WEBHOOK_SECRET: webhookSecret, ...overrides }
  return loadEnv(envSchema, source, { onWarning: () => undefined })
}

/**
 * The service on its own database (PGlite, or a fresh PostgreSQL database when DATABASE_URL is set), with
 * every log line it writes captured, so tests can prove that no secret reaches a log. Every response the
 * file's tests provoke is checked against /openapi.json: a status the document does not list for its route,
 * or a body that does not match the documented schema, fails the file.
 */
export async function setupService(
  options: {
    auth?: Partial<AuthPluginOptions>
    env?: Record<string, string>
    /** For a test that breaks the database on purpose: its 500s are expected, and never documented. */
    provokesServerErrors?: boolean
    /**
     * Load shedding, off unless a test asks: a test worker shares the machine with others, and a busy test
     * machine is not the overload it guards against (the fault suite runs the real process with it on).
     */
    underPressure?: BuildOptions['underPressure']
    /**
     * The test database's pool over its defaults (2 s to wait for a connection, 1 s a statement): a file of
     * bursts widens them, as it turns shedding off, so that a busy machine is not taken for an outage.
     */
    pool?: PoolOptions
    /** Node's timeouts, shortened for a test that needs a late request's 408 (see `BuildOptions`). */
    limits?: BuildOptions['limits']
    /** Collects every documented answer the file's requests produced, as `METHOD /path status`. */
    observed?: Set<string>
  } = {},
) {
  const config = getTestConfig(options.env)
  let violations: string[] = []
  const service = await setupTestService({
    schema,
    migrationsFolder,
    ...(options.pool === undefined ? {} : { pool: options.pool }),
    build: async (database, logs) => {
      const app = await buildApp(config, database, {
        logger: { level: 'debug', stream: logs.stream },
        auth: options.auth,
        underPressure: options.underPressure ?? false,
        limits: options.limits,
      })
      violations = watchOpenApiConformance(app, {
        ignoreStatuses: options.provokesServerErrors ? [500] : [],
        observed: options.observed,
      })
      return app
    },
  })
  afterAll(() => {
    expect(violations, 'responses that differ from /openapi.json').toEqual([])
  })
  return { ...service, db: service.database.db, logs: service.logs.raw }
}

/** Signs a new user up and returns the headers that make a request theirs: the session cookies and Origin. */
export async function signUp(app: App, email = `${randomUUID()}@example.com`) {
  const response = await app.inject({
    method: 'POST',
    url: '/auth/signup',
    headers: { origin },
    payload: { email, password },
  })
  if (response.statusCode !== 201) throw new Error(`sign-up failed: ${response.statusCode} ${response.body}`)
  return {
    id: (response.json() as { id: string }).id,
    headers: { cookie: getCookieHeader(response), origin },
  }
}
