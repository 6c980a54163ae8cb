import { fileURLToPath } from 'node:url'
import { createTestDatabase, type TestDatabase } from '@shipshape/testing'
import { eq } from 'drizzle-orm'
import { integer, pgTable, text } from 'drizzle-orm/pg-core'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { webhooksPlugin } from './plugin.ts'
import { signStripeWebhook } from './stripe.ts'
import { createSignedDelivery } from './testing/documented-answers.ts'

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url))

const OLD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const NEW_SECRET = 'whsec_bmV3LXNlY3JldC1mb3ItdGhlLXRlc3Qtb25seQ=='
const STRIPE_SECRET = 'whsec_stripe_test_secret'
const effects = pgTable('effects', {
  source: text('source').notNull(),
  deliveryId: text('delivery_id').notNull(),
  amount: integer('amount').notNull(),
})

let database: TestDatabase
let app: FastifyInstance
let baseUrl: string

beforeAll(async () => {
  database = await createTestDatabase({ migrationsFolder, requirePostgres: true })
  await database.query(
    'CREATE TABLE effects (source text NOT NULL, delivery_id text NOT NULL, amount integer NOT NULL)',
  )
  app = Fastify()
  app.post('/echo', async (request) => ({ parsed: request.body }))
  await app.register(webhooksPlugin, {
    prefix: '/webhooks',
    db: database.db,
    bodyLimit: 4096,
    sources: {
      acme: { scheme: 'standard', secrets: [NEW_SECRET, OLD_SECRET] },
      stripe: { scheme: 'stripe', secrets: [STRIPE_SECRET] },
    },
    onEvent: async ({ source, id, payload, tx }) => {
      const amount =
        typeof payload === 'object' && payload !== null && 'amount' in payload ? Number(payload.amount) : 0
      if (amount < 0) throw new Error('the effect failed')
      // Widen the race window: concurrent duplicates must still wait on the key, not both get through.
      await new Promise((resolve) => setTimeout(resolve, 20))
      await tx.insert(effects).values({ source, deliveryId: id, amount })
    },
  })
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 })
})

afterAll(async () => {
  await app?.close()
  await database?.destroy()
})

beforeEach(async () => {
  await database.query('TRUNCATE effects, webhook_deliveries')
})

function signedStandard(options: { id?: string; body?: string; secret?: string; timestamp?: number } = {}) {
  return createSignedDelivery(options.secret ?? NEW_SECRET, options.body ?? '{"amount":5}', {
    id: options.id ?? 'msg_1',
    ...(options.timestamp === undefined ? {} : { timestampSeconds: options.timestamp }),
  })
}

async function post(path: string, request: { body: string; headers: Record<string, string> }) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    body: request.body,
    headers: request.headers,
  })
  const body = (await response.json()) as Record<string, unknown>
  return { status: response.status, type: response.headers.get('content-type'), body }
}

async function countEffects(deliveryId?: string) {
  const rows = await database.db
    .select()
    .from(effects)
    .where(deliveryId ? eq(effects.deliveryId, deliveryId) : undefined)
  return rows.length
}

describe('webhooksPlugin refusals', () => {
  it('answers 401 problem+json with no effect for a tampered body', async () => {
    const request = signedStandard()
    const response = await post('/webhooks/acme', { ...request, body: '{"amount":500}' })
    expect(response).toMatchObject({
      status: 401,
      body: { code: 'invalid_signature', status: 401, title: 'Unauthorized' },
    })
    expect(response.type).toContain('application/problem+json')
    expect(await countEffects()).toBe(0)
  })

  it('answers 401 for a wrong secret, a stale and a future timestamp', async () => {
    const now = Math.floor(Date.now() / 1000)
    for (const request of [
      signedStandard({ secret: 'whsec_d3Jvbmctc2VjcmV0' }),
      signedStandard({ timestamp: now - 600 }),
      signedStandard({ timestamp: now + 600 }),
    ]) {
      expect((await post('/webhooks/acme', request)).status).toBe(401)
    }
    expect(await countEffects()).toBe(0)
  })

  it('answers 401 when any one header is missing', async () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const request = signedStandard()
      delete request.headers[name]
      expect((await post('/webhooks/acme', request)).status).toBe(401)
    }
    expect(await countEffects()).toBe(0)
  })

  it('answers 404 for an unknown source, including prototype names', async () => {
    for (const source of ['nope', '__proto__', 'constructor']) {
      const response = await post(`/webhooks/${source}`, signedStandard())
      expect(response).toMatchObject({ status: 404, body: { code: 'not_found' } })
    }
  })

  it('answers 413 for a body over the limit and 400 for a signed non-JSON body', async () => {
    expect(
      (await post('/webhooks/acme', signedStandard({ body: `{"pad":"${'x'.repeat(5000)}"}` }))).status,
    ).toBe(413)
    expect((await post('/webhooks/acme', signedStandard({ body: 'not json' }))).status).toBe(400)
    expect(await countEffects()).toBe(0)
  })

  it('rolls the delivery record back when the effect fails, so a redelivery can succeed', async () => {
    expect(
      (await post('/webhooks/acme', signedStandard({ id: 'msg_fail', body: '{"amount":-1}' }))).status,
    ).toBe(500)
    const rows = await database.query("SELECT 1 FROM webhook_deliveries WHERE id = 'msg_fail'")
    expect(rows).toHaveLength(0)
    expect(
      (await post('/webhooks/acme', signedStandard({ id: 'msg_fail', body: '{"amount":1}' }))).status,
    ).toBe(200)
    expect(await countEffects('msg_fail')).toBe(1)
  })
})

describe('webhooksPlugin deliveries', () => {
  it('makes 10 concurrent copies of one delivery take effect exactly once, all 2xx', async () => {
    const request = signedStandard({ id: 'msg_race' })
    const responses = await Promise.all(Array.from({ length: 10 }, () => post('/webhooks/acme', request)))
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200))
    expect(responses.filter((response) => response.body.duplicate === false)).toHaveLength(1)
    expect(await countEffects('msg_race')).toBe(1)
  })

  it('answers a redelivery 200 with no second effect', async () => {
    const request = signedStandard({ id: 'msg_again' })
    expect((await post('/webhooks/acme', request)).body).toEqual({ received: true, duplicate: false })
    expect((await post('/webhooks/acme', request)).body).toEqual({ received: true, duplicate: true })
    expect(await countEffects('msg_again')).toBe(1)
  })

  it('accepts deliveries signed with the old secret during a rotation', async () => {
    expect((await post('/webhooks/acme', signedStandard({ id: 'msg_old', secret: OLD_SECRET }))).status).toBe(
      200,
    )
    expect(await countEffects('msg_old')).toBe(1)
  })

  it('de-duplicates Stripe deliveries by the event id in the body', async () => {
    const body = '{"id":"evt_1","amount":3}'
    const signature = signStripeWebhook({
      timestampSeconds: Math.floor(Date.now() / 1000),
      body,
      secret: STRIPE_SECRET,
    })
    const request = { body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } }
    expect((await post('/webhooks/stripe', request)).status).toBe(200)
    expect((await post('/webhooks/stripe', request)).body.duplicate).toBe(true)
    expect(await countEffects('evt_1')).toBe(1)
  })

  it('keeps the JSON parser for routes outside the plugin', async () => {
    const response = await post('/echo', { body: '{"a":1}', headers: { 'content-type': 'application/json' } })
    expect(response).toMatchObject({ status: 200, body: { parsed: { a: 1 } } })
  })
})

describe('options', () => {
  it.each([
    ['no source', {}, 'SHIPSHAPE_WEBHOOKS_SOURCES_MISSING'],
    [
      'an unknown scheme',
      { acme: { scheme: 'svix', secrets: [NEW_SECRET] } },
      'SHIPSHAPE_WEBHOOKS_SCHEME_INVALID',
    ],
    ['an empty secret', { acme: { scheme: 'stripe', secrets: [''] } }, 'SHIPSHAPE_WEBHOOKS_SECRET_MISSING'],
    [
      'a secret that is not base64',
      { acme: { scheme: 'standard', secrets: ['whsec_!'] } },
      'SHIPSHAPE_WEBHOOKS_SECRET_INVALID',
    ],
  ])('refuses %s at registration, by code', async (_case, sources, code) => {
    const refused = Fastify()
    refused.register(webhooksPlugin, {
      db: database.db,
      sources: sources as Parameters<typeof webhooksPlugin>[1]['sources'],
      onEvent: async () => {},
    })
    await expect(refused.ready()).rejects.toMatchObject({ name: 'OptionsError', code })
    await refused.close()
  })
})
