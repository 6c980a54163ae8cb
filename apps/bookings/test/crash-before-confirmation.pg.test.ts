import { randomUUID } from 'node:crypto'
import { createDatabase } from '@shipshape/db'
import { createScratchDatabase } from '@shipshape/testing'
import { signStripeWebhook } from '@shipshape/webhooks'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { bookingsClient, type RunningService, startService } from './service-pair.ts'

// A crash between payment and confirmation. bookings runs as a process; the payment webhook arrives, the
// delivery is claimed and the booking moved to confirmed inside the webhook's transaction, and the process is
// killed (SIGKILL, no shutdown) before that transaction commits. The crash point is real, not injected: the
// test holds LOCK TABLE booking_events, so the transaction stops at the insert of its outbox row, and the
// test waits until PostgreSQL shows it waiting there. After a restart the provider delivers the event again
// (as Stripe does until it gets a 2xx): the booking is confirmed once and its event written once.
const stripeSecret = `whsec_${Buffer.from(randomUUID()).toString('base64')}`
const database = await createScratchDatabase()
const env = { DATABASE_URL: database.url, STRIPE_WEBHOOK_SECRET: stripeSecret }
const admin = await createDatabase({ url: database.url })
let bookings: RunningService = await startService('bookings', { env })
afterAll(async () => {
  await bookings.stop()
  await admin.close()
  await database.drop()
})

async function query<T>(statement: ReturnType<typeof sql>): Promise<T[]> {
  return (await admin.db.execute(statement)).rows as T[]
}

/** What the payment provider sends, signed afresh at each delivery as Stripe does. */
function deliverPayment(event: object) {
  const body = JSON.stringify(event)
  const signature = signStripeWebhook({
    timestampSeconds: Math.floor(Date.now() / 1000),
    body,
    secret: stripeSecret,
  })
  return fetch(`${bookings.url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  })
}

const statusOf = async (bookingId: string) =>
  (await query<{ status: string }>(sql`SELECT status FROM bookings WHERE id = ${bookingId}`))[0]?.status
const eventsOf = (bookingId: string) =>
  query<{ type: string }>(
    sql`SELECT type FROM booking_events WHERE booking_id = ${bookingId} ORDER BY created_at`,
  )
const claimsOf = (eventId: string) =>
  query<{ id: string }>(sql`SELECT id FROM webhook_deliveries WHERE source = 'stripe' AND id = ${eventId}`)

describe('a crash between payment and confirmation', () => {
  it('after a restart and the redelivery, the booking is confirmed once and its event written once', async () => {
    const client = await bookingsClient(bookings.url)
    const held = await client.book()
    expect(held.status).toBe(201)
    const bookingId = held.json.id ?? ''
    const event = {
      id: `evt_${randomUUID()}`,
      type: 'payment_intent.succeeded',
      data: {
        object: { id: `pi_${randomUUID()}`, object: 'payment_intent', metadata: { booking_id: bookingId } },
      },
    }

    // The crash point: the outbox is locked, so confirmation stops before its event is written.
    const lock = { taken: Promise.withResolvers<void>(), released: Promise.withResolvers<void>() }
    const holding = admin.db.transaction(async (tx) => {
      await tx.execute(sql`LOCK TABLE booking_events IN EXCLUSIVE MODE`)
      lock.taken.resolve()
      await lock.released.promise
    })
    await lock.taken.promise
    const first = deliverPayment(event).catch((error: unknown) => error)
    await vi.waitFor(
      async () => {
        const waiting = await query<{ query: string }>(
          sql`SELECT query FROM pg_stat_activity
              WHERE datname = current_database() AND application_name = 'bookings' AND wait_event_type = 'Lock'`,
        )
        expect(waiting.map((row) => row.query.toLowerCase())).toEqual([
          expect.stringContaining('insert into "booking_events"'),
        ])
      },
      { timeout: 20_000, interval: 100 },
    )
    // Paid, claimed and confirmed inside the open transaction; nothing of it is visible outside.
    expect(await statusOf(bookingId)).toBe('held')

    await bookings.stop('SIGKILL')
    expect(await first).toBeInstanceOf(Error)
    lock.released.resolve()
    await holding
    // PostgreSQL rolls the dead process's transaction back once its backend finds the client gone.
    await vi.waitFor(
      async () =>
        expect(
          await query(
            sql`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'bookings'`,
          ),
        ).toEqual([]),
      { timeout: 20_000, interval: 100 },
    )
    expect(await statusOf(bookingId)).toBe('held')
    expect((await eventsOf(bookingId)).map((row) => row.type)).toEqual(['booking.held'])
    expect(await claimsOf(event.id)).toEqual([])

    // Restarted; the provider delivers the same event again (and once more, as a duplicate).
    bookings = await startService('bookings', { env })
    expect((await deliverPayment(event)).status).toBe(200)
    expect((await deliverPayment(event)).status).toBe(200)
    expect(await statusOf(bookingId)).toBe('confirmed')
    expect((await eventsOf(bookingId)).map((row) => row.type)).toEqual(['booking.held', 'booking.confirmed'])
    expect(await claimsOf(event.id)).toHaveLength(1)
  }, 120_000)
})
