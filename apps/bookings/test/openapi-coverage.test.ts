import { randomUUID } from 'node:crypto'
import { createAuthAnswers } from '@shipshape/auth/testing'
import { createDatabase } from '@shipshape/db'
import { holdIdempotencyKey } from '@shipshape/idempotency/testing'
import {
  type CoverageOperation,
  describeOpenApiCoverage,
  startOpenApiCoverage,
} from '@shipshape/testing/openapi-coverage'
import { signStripeWebhook } from '@shipshape/webhooks'
import { createSignedDelivery, createWebhookAnswers } from '@shipshape/webhooks/testing'
import { eq } from 'drizzle-orm'
import { buildApp } from '../src/app.ts'
import * as schema from '../src/db/schema.ts'
import { cheapArgon2, getTestConfig, origin, password, setupService, webhookSecret } from './setup.ts'

// Every (operation, status) pair /openapi.json documents is produced here, for real, and its body checked
// against the documented schema; the last test fails naming any pair nobody produced. The answers the
// building blocks give on any route (429, 403 csrf_failed, 415, 413, 408, 503) are provoked by
// @shipshape/testing on every operation whose document lists them, so a route you add is covered for those
// at once; its own answers (2xx, 400, 401, 404, 409, 422) need a line in `ownAnswers` below, and the last
// test names them until they have one.
const stripeSecret = `whsec_${randomUUID()}`
const env = {
  RATE_LIMIT_MAX: '1',
  JWT_SECRET: `jwt-${randomUUID()}-${randomUUID()}`,
  STRIPE_WEBHOOK_SECRET: stripeSecret,
}
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
const created = await send('POST', '/resources', { headers: signedIn, payload: { name: 'first' } })
const existing = (created.json() as { id: string }).id
const missing = randomUUID()

// Each route's own answers: `METHOD /path status` → a request that produces it. Auth's and webhooks' come
// from their packages; /healthz and /readyz are the suite's.
const ownAnswers: Record<string, () => Promise<{ statusCode: number }>> = {
  ...(await createAuthAnswers({ send, origin, password })),
  ...createWebhookAnswers({ send, source: 'partner', secret: webhookSecret }),
  'POST /resources 201': () => send('POST', '/resources', { headers: signedIn, payload: { name: 'x' } }),
  'POST /resources 400': () => send('POST', '/resources', { headers: signedIn, payload: { name: '' } }),
  'POST /resources 401': () => send('POST', '/resources', { payload: { name: 'x' } }),
  'POST /resources 422': async () => {
    const headers = { ...signedIn, 'idempotency-key': randomUUID() }
    await send('POST', '/resources', { headers, payload: { name: 'one' } })
    return send('POST', '/resources', { headers, payload: { name: 'another' } })
  },
  'POST /resources 409': () => provokeInProgress(),
  'GET /resources 200': () => send('GET', '/resources', { headers: signedIn }),
  'GET /resources 400': () => send('GET', '/resources?limit=0', { headers: signedIn }),
  'GET /resources 401': () => send('GET', '/resources'),
  'GET /resources/{id} 200': () => send('GET', `/resources/${existing}`, { headers: signedIn }),
  'GET /resources/{id} 400': () => send('GET', '/resources/not-a-uuid', { headers: signedIn }),
  'GET /resources/{id} 401': () => send('GET', `/resources/${existing}`),
  'GET /resources/{id} 404': () => send('GET', `/resources/${missing}`, { headers: signedIn }),
  'PATCH /resources/{id} 200': () =>
    send('PATCH', `/resources/${existing}`, { headers: signedIn, payload: { name: 'renamed' } }),
  'PATCH /resources/{id} 400': () =>
    send('PATCH', `/resources/${existing}`, { headers: signedIn, payload: { name: '' } }),
  'PATCH /resources/{id} 401': () => send('PATCH', `/resources/${existing}`, { payload: { name: 'x' } }),
  'PATCH /resources/{id} 404': () =>
    send('PATCH', `/resources/${missing}`, { headers: signedIn, payload: { name: 'x' } }),
  'DELETE /resources/{id} 204': async () => {
    const doomed = await send('POST', '/resources', { headers: signedIn, payload: { name: 'doomed' } })
    return send('DELETE', `/resources/${(doomed.json() as { id: string }).id}`, { headers: signedIn })
  },
  'DELETE /resources/{id} 400': () => send('DELETE', '/resources/not-a-uuid', { headers: signedIn }),
  'DELETE /resources/{id} 401': () => send('DELETE', `/resources/${existing}`, { headers: { origin } }),
  'DELETE /resources/{id} 404': () => send('DELETE', `/resources/${missing}`, { headers: signedIn }),
  // bookings' own routes: bookings of a resource, their cancellation, and Stripe's payment events.
  'POST /bookings 201': async () =>
    send('POST', '/bookings', { headers: signedIn, payload: await freeSlot() }),
  'POST /bookings 400': () => send('POST', '/bookings', { headers: signedIn, payload: {} }),
  'POST /bookings 401': async () => send('POST', '/bookings', { payload: await freeSlot() }),
  'POST /bookings 404': async () =>
    send('POST', '/bookings', { headers: signedIn, payload: { ...(await freeSlot()), resourceId: missing } }),
  'POST /bookings 409': async () => {
    const payload = await freeSlot()
    await send('POST', '/bookings', { headers: signedIn, payload })
    return send('POST', '/bookings', { headers: signedIn, payload })
  },
  'POST /bookings 422': async () =>
    send('POST', '/bookings', {
      headers: signedIn,
      payload: { ...(await freeSlot()), endsAt: (await freeSlot()).startsAt },
    }),
  'GET /bookings 200': () => send('GET', '/bookings', { headers: signedIn }),
  'GET /bookings 400': () => send('GET', '/bookings?limit=0', { headers: signedIn }),
  'GET /bookings 401': () => send('GET', '/bookings'),
  'GET /bookings/{id} 200': async () =>
    send('GET', `/bookings/${await heldBooking()}`, { headers: signedIn }),
  'GET /bookings/{id} 400': () => send('GET', '/bookings/not-a-uuid', { headers: signedIn }),
  'GET /bookings/{id} 401': async () => send('GET', `/bookings/${await heldBooking()}`),
  'GET /bookings/{id} 404': () => send('GET', `/bookings/${missing}`, { headers: signedIn }),
  'POST /bookings/{id}/cancel 200': async () =>
    send('POST', `/bookings/${await heldBooking()}/cancel`, { headers: signedIn }),
  'POST /bookings/{id}/cancel 400': () => send('POST', '/bookings/not-a-uuid/cancel', { headers: signedIn }),
  'POST /bookings/{id}/cancel 401': async () =>
    send('POST', `/bookings/${await heldBooking()}/cancel`, { headers: { origin } }),
  'POST /bookings/{id}/cancel 404': () => send('POST', `/bookings/${missing}/cancel`, { headers: signedIn }),
  // A hold that expired is no longer cancellable.
  'POST /bookings/{id}/cancel 409': async () => {
    const id = await heldBooking()
    await database.db.update(schema.bookings).set({ status: 'expired' }).where(eq(schema.bookings.id, id))
    return send('POST', `/bookings/${id}/cancel`, { headers: signedIn })
  },
  // A payment for a booking that does not exist (yet): the provider is told to deliver it again.
  'POST /webhooks/{source} 409': () => {
    const body = JSON.stringify({
      id: `evt_${randomUUID()}`,
      type: 'payment_intent.succeeded',
      data: {
        object: { id: `pi_${randomUUID()}`, object: 'payment_intent', metadata: { booking_id: missing } },
      },
    })
    const signature = signStripeWebhook({
      timestampSeconds: Math.floor(Date.now() / 1000),
      body,
      secret: stripeSecret,
    })
    return send('POST', '/webhooks/stripe', {
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body,
    })
  },
}

/** A slot on a resource of its own, 09:00 UTC on a Monday ahead: inside the default opening hours. */
let slots = 0
async function freeSlot() {
  const resource = await send('POST', '/resources', {
    headers: signedIn,
    payload: { name: `court ${++slots}` },
  })
  const day = new Date()
  day.setUTCHours(9, 0, 0, 0)
  day.setUTCDate(day.getUTCDate() + 7 + ((8 - day.getUTCDay()) % 7))
  const endsAt = new Date(day.getTime() + 3_600_000)
  return {
    resourceId: (resource.json() as { id: string }).id,
    startsAt: day.toISOString(),
    endsAt: endsAt.toISOString(),
  }
}
async function heldBooking() {
  const created = await send('POST', '/bookings', { headers: signedIn, payload: await freeSlot() })
  return (created.json() as { id: string }).id
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
      send('POST', '/resources', {
        headers: { ...signedIn, 'idempotency-key': key },
        payload: { name: 'x' },
      }),
    )
  } finally {
    await other.close()
  }
}
/** The documented pairs the embedded database cannot produce (see provokeInProgress). */
const postgresOnly = database.url === undefined ? ['POST /resources 409'] : []

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
    'POST /resources 413',
    'POST /resources 415',
    'PATCH /resources/{id} 403',
    'GET /resources 429',
    'GET /resources 503',
  ],
})
