import { randomUUID } from 'node:crypto'
import { createAuthAnswers } from '@shipshape/auth/testing'
import { createDatabase } from '@shipshape/db'
import { holdIdempotencyKey } from '@shipshape/idempotency/testing'
import {
  type CoverageOperation,
  describeOpenApiCoverage,
  startOpenApiCoverage,
} from '@shipshape/testing/openapi-coverage'
import { createSignedDelivery, createWebhookAnswers } from '@shipshape/webhooks/testing'
import { buildApp } from '../src/app.ts'
import * as schema from '../src/db/schema.ts'
import { cheapArgon2, getTestConfig, origin, password, setupService, webhookSecret } from './setup.ts'

// Every (operation, status) pair /openapi.json documents is produced here, for real, and its body checked
// against the documented schema; the last test fails naming any pair nobody produced. The answers the
// building blocks give on any route (429, 403 csrf_failed, 415, 413, 408, 503) are provoked by
// @shipshape/testing on every operation whose document lists them, so a route you add is covered for those
// at once; its own answers (2xx, 400, 401, 404, 409, 422) need a line in `ownAnswers` below, and the last
// test names them until they have one.
const env = { RATE_LIMIT_MAX: '1', JWT_SECRET: `jwt-${randomUUID()}-${randomUUID()}` }
const observed = new Set<string>()
const { app, database } = await setupService({
  auth: { testArgon2Params: cheapArgon2 },
  env,
  observed,
  // Node's own limits, short enough that a late request gets its 408 in about a second.
  limits: { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 },
})
const coverage = await startOpenApiCoverage({
  app,
  observed,
  // The same service, configured as in production (load shedding on), on a database that refuses.
  build: async ({ databaseUrl, underPressure }) => {
    const side = await createDatabase({ url: databaseUrl, schema, pool: { connectionTimeoutMs: 500 } })
    return buildApp(getTestConfig(env), side, {
      logger: { level: 'silent' },
      auth: { testArgon2Params: cheapArgon2 },
      underPressure,
    })
  },
})
const { send } = coverage

const email = `${randomUUID()}@example.com`
const signup = await send('POST', '/auth/signup', { headers: { origin }, payload: { email, password } })
const signedIn = { cookie: signup.cookies.map((c) => `${c.name}=${c.value}`).join('; '), origin }
const created = await send('POST', '/{{resource}}', { headers: signedIn, payload: { name: 'first' } })
const existing = (created.json() as { id: string }).id
const missing = randomUUID()

// Each route's own answers: `METHOD /path status` → a request that produces it. Auth's and webhooks' come
// from their packages; /healthz and /readyz are the suite's.
const ownAnswers: Record<string, () => Promise<{ statusCode: number }>> = {
  ...(await createAuthAnswers({ send, origin, password })),
  ...createWebhookAnswers({ send, source: 'partner', secret: webhookSecret }),
  'POST /{{resource}} 201': () => send('POST', '/{{resource}}', { headers: signedIn, payload: { name: 'x' } }),
  'POST /{{resource}} 400': () => send('POST', '/{{resource}}', { headers: signedIn, payload: { name: '' } }),
  'POST /{{resource}} 401': () => send('POST', '/{{resource}}', { payload: { name: 'x' } }),
  'POST /{{resource}} 422': async () => {
    const headers = { ...signedIn, 'idempotency-key': randomUUID() }
    await send('POST', '/{{resource}}', { headers, payload: { name: 'one' } })
    return send('POST', '/{{resource}}', { headers, payload: { name: 'another' } })
  },
  'POST /{{resource}} 409': () => provokeInProgress(),
  'GET /{{resource}} 200': () => send('GET', '/{{resource}}', { headers: signedIn }),
  'GET /{{resource}} 400': () => send('GET', '/{{resource}}?limit=0', { headers: signedIn }),
  'GET /{{resource}} 401': () => send('GET', '/{{resource}}'),
  'GET /{{resource}}/{id} 200': () => send('GET', `/{{resource}}/${existing}`, { headers: signedIn }),
  'GET /{{resource}}/{id} 400': () => send('GET', '/{{resource}}/not-a-uuid', { headers: signedIn }),
  'GET /{{resource}}/{id} 401': () => send('GET', `/{{resource}}/${existing}`),
  'GET /{{resource}}/{id} 404': () => send('GET', `/{{resource}}/${missing}`, { headers: signedIn }),
  'PATCH /{{resource}}/{id} 200': () =>
    send('PATCH', `/{{resource}}/${existing}`, { headers: signedIn, payload: { name: 'renamed' } }),
  'PATCH /{{resource}}/{id} 400': () =>
    send('PATCH', `/{{resource}}/${existing}`, { headers: signedIn, payload: { name: '' } }),
  'PATCH /{{resource}}/{id} 401': () => send('PATCH', `/{{resource}}/${existing}`, { payload: { name: 'x' } }),
  'PATCH /{{resource}}/{id} 404': () =>
    send('PATCH', `/{{resource}}/${missing}`, { headers: signedIn, payload: { name: 'x' } }),
  'DELETE /{{resource}}/{id} 204': async () => {
    const doomed = await send('POST', '/{{resource}}', { headers: signedIn, payload: { name: 'doomed' } })
    return send('DELETE', `/{{resource}}/${(doomed.json() as { id: string }).id}`, { headers: signedIn })
  },
  'DELETE /{{resource}}/{id} 400': () => send('DELETE', '/{{resource}}/not-a-uuid', { headers: signedIn }),
  'DELETE /{{resource}}/{id} 401': () => send('DELETE', `/{{resource}}/${existing}`, { headers: { origin } }),
  'DELETE /{{resource}}/{id} 404': () => send('DELETE', `/{{resource}}/${missing}`, { headers: signedIn }),
}

/**
 * 409 `idempotency_in_progress`: the key's first request still holds it. On PostgreSQL a second connection
 * holds the key's lock, as another instance mid-request does; the embedded database has one connection,
 * so its requests queue and never overlap: there the answer cannot happen, and the last test says so.
 */
async function provokeInProgress() {
  if (database.url === undefined) return { statusCode: 0 }
  const other = await createDatabase({ url: database.url, schema, pool: { max: 1 } })
  try {
    const key = randomUUID()
    const me = (await send('GET', '/auth/me', { headers: signedIn })).json() as { id: string }
    return await holdIdempotencyKey(other.db, { scope: `user:${me.id}`, key }, () =>
      send('POST', '/{{resource}}', {
        headers: { ...signedIn, 'idempotency-key': key },
        payload: { name: 'x' },
      }),
    )
  } finally {
    await other.close()
  }
}
/** The documented pairs the embedded database cannot produce (see provokeInProgress). */
const postgresOnly = database.url === undefined ? ['POST /{{resource}} 409'] : []

/** A body each route accepts, so the request reaches the database (or the load check before it). */
function validBody(path: string): unknown {
  if (path === '/auth/signup' || path === '/auth/login')
    return { email: `${randomUUID()}@example.com`, password }
  if (path === '/auth/password') return { currentPassword: password, newPassword: `${password} anew` }
  return { name: 'x' }
}

describeOpenApiCoverage(coverage, {
  headers: signedIn,
  // Path parameters get values the routes accept, so the request reaches the part under test.
  pathParameters: { id: existing, source: 'partner' },
  reachDatabase: ({ method, path }: CoverageOperation) =>
    path.startsWith('/webhooks/')
      ? createSignedDelivery(webhookSecret, JSON.stringify({ type: 'coverage', data: {} }))
      : {
          headers: signedIn,
          ...(method === 'GET' || method === 'DELETE' ? {} : { payload: validBody(path) }),
        },
  ownAnswers,
  unproducible: postgresOnly,
  expectedCases: [
    'POST /{{resource}} 413',
    'POST /{{resource}} 415',
    'PATCH /{{resource}}/{id} 403',
    'GET /{{resource}} 429',
    'GET /{{resource}} 503',
  ],
})
