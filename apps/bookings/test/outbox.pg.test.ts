import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setupTestService } from '@shipshape/testing'
import { verifyStandardWebhook } from '@shipshape/webhooks'
import { eq, sql } from 'drizzle-orm'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { buildApp } from '../src/app.ts'
import { migrationsFolder } from '../src/db/client.ts'
import * as schema from '../src/db/schema.ts'
import { cheapArgon2, getTestConfig, signUp } from './setup.ts'

// The transactional outbox on real PostgreSQL, delivered by pg-boss to a receiver on loopback that checks
// the Standard Webhooks signature, as the notifications service does, and can be taken down.
const secret = `whsec_${Buffer.from(randomUUID()).toString('base64')}`

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

let down = false
const received = new Map<string, { type: string; times: number }>()
let refusedSignatures = 0
const receiver = createServer(async (request, response) => {
  const rawBody = await readBody(request)
  if (down) return response.writeHead(503).end()
  const verified = verifyStandardWebhook({ rawBody, headers: request.headers, secrets: [secret] })
  if (!verified.ok) {
    refusedSignatures++
    return response.writeHead(401).end()
  }
  const event = JSON.parse(rawBody.toString('utf8')) as { type: string }
  const seen = received.get(verified.id)
  received.set(verified.id, { type: event.type, times: (seen?.times ?? 0) + 1 })
  response.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}')
})
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())))
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`

const service = await setupTestService({
  schema,
  migrationsFolder,
  build: (database) => {
    const config = getTestConfig({
      NOTIFICATIONS_URL: receiverUrl,
      NOTIFICATIONS_WEBHOOK_SECRET: secret,
      OUTBOX_RELAY_INTERVAL_MS: '100',
      // Pruning as often as relaying, with the default retention (168 hours): the test backdates rows.
      OUTBOX_PRUNE_INTERVAL_MS: '100',
    })
    return buildApp({ ...config, DATABASE_URL: database.url }, database, {
      logger: { level: 'silent' },
      auth: { testArgon2Params: cheapArgon2 },
      underPressure: false,
    })
  },
})
const { app } = service
const db = service.database.db
const alice = await signUp(app)
const resource = await app.inject({
  method: 'POST',
  url: '/resources',
  headers: alice.headers,
  payload: {
    name: 'hall',
    openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' })),
  },
})
let nextHour = 0

function book() {
  const startsAt = new Date(Date.now() + 2 * 86_400_000 + nextHour++ * 3_600_000)
  startsAt.setUTCMinutes(0, 0, 0)
  const endsAt = new Date(startsAt.getTime() + 3_600_000)
  return app.inject({
    method: 'POST',
    url: '/bookings',
    headers: alice.headers,
    payload: { resourceId: resource.json().id, startsAt, endsAt },
  })
}

const eventsOf = (bookingId: string) =>
  db.select().from(schema.bookingEvents).where(eq(schema.bookingEvents.bookingId, bookingId))

describe('the outbox is written with the change', () => {
  it('a hold and a cancellation each write one event; a refused booking writes none', async () => {
    const held = await book()
    const id = held.json().id
    expect((await eventsOf(id)).map((event) => event.type)).toEqual(['booking.held'])
    const before = await db.select().from(schema.bookingEvents)
    // The same slot again: the insert fails on the exclusion constraint, and its event goes with it.
    const { startsAt, endsAt, resourceId } = held.json()
    const refused = await app.inject({
      method: 'POST',
      url: '/bookings',
      headers: alice.headers,
      payload: { resourceId, startsAt, endsAt },
    })
    expect(refused.statusCode).toBe(409)
    expect(await db.select().from(schema.bookingEvents)).toHaveLength(before.length)
    await app.inject({ method: 'POST', url: `/bookings/${id}/cancel`, headers: alice.headers })
    expect((await eventsOf(id)).map((event) => event.type).sort()).toEqual([
      'booking.cancelled',
      'booking.held',
    ])
  })
})

describe('pg-boss delivers the outbox at least once', () => {
  it('every event reaches the receiver, signed, with its event id as the webhook id', async () => {
    const id = (await book()).json().id
    const [event] = await eventsOf(id)
    await vi.waitFor(() => expect(received.get(event?.id ?? '')?.type).toBe('booking.held'), {
      timeout: 20_000,
    })
    expect(refusedSignatures).toBe(0)
    // The worker marks the row delivered once the receiver said 2xx (that is what pruning goes by).
    await vi.waitFor(async () => expect((await eventsOf(id))[0]?.deliveredAt).toBeInstanceOf(Date))
  })

  it('the receiver down: events wait in the queue and all arrive after it recovers, none lost', async () => {
    down = true
    const ids = [(await book()).json().id, (await book()).json().id, (await book()).json().id]
    const during = (await Promise.all(ids.map(eventsOf))).flat()
    expect(during).toHaveLength(3)
    // The relay hands them to pg-boss while the receiver refuses them.
    await vi.waitFor(
      async () => {
        for (const id of ids) expect((await eventsOf(id))[0]?.relayedAt).not.toBeNull()
      },
      { timeout: 10_000 },
    )
    for (const event of during) expect(received.has(event.id)).toBe(false)
    down = false
    await vi.waitFor(
      () => {
        for (const event of during) expect(received.get(event.id)?.type).toBe('booking.held')
      },
      { timeout: 30_000, interval: 250 },
    )
  })
})

describe('delivered outbox rows are pruned after the retention period', () => {
  it('deletes rows delivered longer ago than OUTBOX_RETENTION_HOURS, never one not yet delivered', async () => {
    const ids = [(await book()).json().id, (await book()).json().id]
    await vi.waitFor(
      async () => {
        for (const id of ids) expect((await eventsOf(id))[0]?.deliveredAt).toBeInstanceOf(Date)
      },
      { timeout: 20_000 },
    )
    const [expired, kept] = ids
    const backdate = (id: string, age: string) =>
      db
        .update(schema.bookingEvents)
        .set({ deliveredAt: sql`now() - ${age}::interval` })
        .where(eq(schema.bookingEvents.bookingId, id))
    // Default retention: 168 hours. One row a minute past it, one a minute short of it.
    await backdate(expired ?? '', '168 hours 1 minute')
    await backdate(kept ?? '', '167 hours 59 minutes')
    // Relayed a year ago and never delivered (a receiver that kept failing): kept, whatever its age.
    const [stuck] = await db
      .insert(schema.bookingEvents)
      .values({
        bookingId: randomUUID(),
        type: 'booking.held',
        payload: {},
        createdAt: sql`now() - interval '1 year'`,
        relayedAt: sql`now() - interval '1 year'`,
      })
      .returning()

    await vi.waitFor(async () => expect(await eventsOf(expired ?? '')).toEqual([]), { timeout: 10_000 })
    expect(await eventsOf(kept ?? '')).toHaveLength(1)
    const [stillThere] = await db
      .select()
      .from(schema.bookingEvents)
      .where(eq(schema.bookingEvents.id, stuck?.id ?? ''))
    expect(stillThere?.deliveredAt).toBeNull()
  })
})
