import { randomUUID } from 'node:crypto'
import { signStripeWebhook } from '@shipshape/webhooks'
import { and, eq } from 'drizzle-orm'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { bookings, webhookDeliveries } from '../src/db/schema.ts'
import { startFakeProvider } from './fake-payment-provider.ts'
import { cheapArgon2, setupService, signUp } from './setup.ts'

// Payments on real PostgreSQL and a fake provider on loopback: the webhook confirms, in any order and any
// number of times without moving a booking backwards; a cancellation owes a refund that survives a provider
// that is down, slow or flapping, and is paid back exactly once.
const stripeSecret = `whsec_${randomUUID()}`
const apiKey = `sk_test_${randomUUID()}`
const provider = await startFakeProvider({ apiKey, slowMs: 600 })
afterAll(() => provider.close())
const service = await setupService({
  auth: { testArgon2Params: cheapArgon2 },
  underPressure: false,
  env: {
    STRIPE_WEBHOOK_SECRET: stripeSecret,
    PAYMENT_PROVIDER_URL: provider.url,
    PAYMENT_PROVIDER_API_KEY: apiKey,
    PAYMENT_TIMEOUT_MS: '200',
    PAYMENT_BREAKER_HALF_OPEN_MS: '1000',
    REFUND_RETRY_INTERVAL_MS: '100',
  },
})
const { app, db } = service
const alice = await signUp(app)
let nextSlot = 0

async function holdBooking(): Promise<string> {
  const resource = await app.inject({
    method: 'POST',
    url: '/resources',
    headers: alice.headers,
    payload: {
      name: 'room',
      openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' })),
    },
  })
  const startsAt = new Date(Date.now() + 86_400_000 + nextSlot++ * 3_600_000)
  startsAt.setUTCMinutes(0, 0, 0)
  const endsAt = new Date(startsAt.getTime() + 30 * 60_000)
  const created = await app.inject({
    method: 'POST',
    url: '/bookings',
    headers: alice.headers,
    payload: { resourceId: resource.json().id, startsAt, endsAt },
  })
  expect(created.statusCode, created.body).toBe(201)
  return created.json().id
}

function paymentEvent(bookingId: string, paymentIntent = `pi_${randomUUID()}`, id = `evt_${randomUUID()}`) {
  return {
    id,
    type: 'payment_intent.succeeded',
    data: { object: { id: paymentIntent, object: 'payment_intent', metadata: { booking_id: bookingId } } },
  }
}

function deliver(event: object) {
  const body = JSON.stringify(event)
  const signature = signStripeWebhook({
    timestampSeconds: Math.floor(Date.now() / 1000),
    body,
    secret: stripeSecret,
  })
  return app.inject({
    method: 'POST',
    url: '/webhooks/stripe',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    payload: body,
  })
}

async function readBooking(id: string) {
  const [row] = await db.select().from(bookings).where(eq(bookings.id, id))
  if (!row) throw new Error(`no booking ${id}`)
  return row
}

async function confirmedBooking() {
  const id = await holdBooking()
  const event = paymentEvent(id)
  expect((await deliver(event)).statusCode).toBe(200)
  return { id, paymentIntent: event.data.object.id }
}

const cancel = (id: string) =>
  app.inject({ method: 'POST', url: `/bookings/${id}/cancel`, headers: alice.headers })

describe('the payment webhook confirms a booking once, in any order', () => {
  it('payment_intent.succeeded confirms a held booking; the same event again is a no-op', async () => {
    const id = await holdBooking()
    const event = paymentEvent(id)
    const first = await deliver(event)
    expect(first.json()).toEqual({ received: true, duplicate: false })
    const confirmed = await readBooking(id)
    expect(confirmed).toMatchObject({ status: 'confirmed', paymentIntentId: event.data.object.id })
    expect((await deliver(event)).json()).toEqual({ received: true, duplicate: true })
    // Another event for the same payment (a provider may send several) changes nothing either.
    expect((await deliver(paymentEvent(id, event.data.object.id))).statusCode).toBe(200)
    expect(await readBooking(id)).toEqual(confirmed)
  })

  it('a payment that arrives after the cancellation does not revive the booking: it is refunded', async () => {
    const id = await holdBooking()
    expect((await cancel(id)).json()).toMatchObject({ status: 'cancelled', refundStatus: 'none' })
    const event = paymentEvent(id)
    expect((await deliver(event)).statusCode).toBe(200)
    expect(await readBooking(id)).toMatchObject({
      status: 'cancelled',
      paymentIntentId: event.data.object.id,
    })
    await vi.waitFor(async () => expect((await readBooking(id)).refundStatus).toBe('refunded'), {
      timeout: 10_000,
    })
    expect(provider.refundsFor(event.data.object.id)).toHaveLength(1)
  })

  it('a payment after the hold expired leaves it expired and refunds it', async () => {
    const id = await holdBooking()
    await db.update(bookings).set({ status: 'expired' }).where(eq(bookings.id, id))
    const event = paymentEvent(id)
    expect((await deliver(event)).statusCode).toBe(200)
    expect((await readBooking(id)).status).toBe('expired')
    await vi.waitFor(async () => expect((await readBooking(id)).refundStatus).toBe('refunded'), {
      timeout: 10_000,
    })
  })

  it('a webhook before the booking row commits → 409 booking_not_ready, nothing recorded; the redelivery applies', async () => {
    const resource = await app.inject({
      method: 'POST',
      url: '/resources',
      headers: alice.headers,
      payload: { name: 'late' },
    })
    const bookingId = randomUUID()
    const event = paymentEvent(bookingId)
    const gate = Promise.withResolvers<void>()
    const insertedYet = Promise.withResolvers<void>()
    // The request that creates the booking, still in its transaction while the provider's event arrives.
    const creating = db.transaction(async (tx) => {
      await tx.insert(bookings).values({
        id: bookingId,
        ownerId: alice.id,
        resourceId: resource.json().id,
        startsAt: new Date(Date.now() + 30 * 86_400_000),
        endsAt: new Date(Date.now() + 30 * 86_400_000 + 3_600_000),
        holdExpiresAt: new Date(Date.now() + 600_000),
      })
      insertedYet.resolve()
      await gate.promise
    })
    await insertedYet.promise
    const early = await deliver(event)
    expect(early.statusCode, early.body).toBe(409)
    expect(early.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(early.json()).toMatchObject({ code: 'booking_not_ready' })
    const recorded = await db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.source, 'stripe'), eq(webhookDeliveries.id, event.id)))
    expect(recorded).toEqual([])

    gate.resolve()
    await creating
    const redelivered = await deliver(event)
    expect(redelivered.json()).toEqual({ received: true, duplicate: false })
    expect((await readBooking(bookingId)).status).toBe('confirmed')
  })

  it('concurrent copies of a payment and a cancellation end in one consistent state', async () => {
    const id = await holdBooking()
    const event = paymentEvent(id)
    const answers = await Promise.all([
      deliver(event),
      cancel(id),
      deliver(paymentEvent(id, event.data.object.id)),
      deliver(event),
    ])
    for (const answer of answers) expect(answer.statusCode, answer.body).toBe(200)
    const row = await readBooking(id)
    // Whichever came first, the booking is cancelled; if the payment was applied, it is paid back once.
    expect(row.status).toBe('cancelled')
    expect(row.paymentIntentId).toBe(event.data.object.id)
    await vi.waitFor(async () => expect((await readBooking(id)).refundStatus).toBe('refunded'), {
      timeout: 10_000,
    })
    expect(provider.refundsFor(event.data.object.id)).toHaveLength(1)
  })
})

describe('refunds through @shipshape/outbound to a provider that misbehaves', () => {
  it('cancelling a paid booking refunds it at once when the provider is up', async () => {
    const { id, paymentIntent } = await confirmedBooking()
    const cancelled = await cancel(id)
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', refundStatus: 'refunded' })
    expect(provider.refundsFor(paymentIntent)).toHaveLength(1)
    expect((await readBooking(id)).refundId).toBe(provider.refundsFor(paymentIntent)[0]?.id)
  })

  it('a flapping provider: the retry with the same Idempotency-Key goes through, one refund', async () => {
    const { id, paymentIntent } = await confirmedBooking()
    provider.setMode('flap')
    try {
      expect((await cancel(id)).json()).toMatchObject({ status: 'cancelled', refundStatus: 'refunded' })
    } finally {
      provider.setMode('ok')
    }
    expect(provider.refundsFor(paymentIntent)).toHaveLength(1)
  })

  it('a slow provider: attempts time out, the refund stays pending, then settles once', async () => {
    const { id, paymentIntent } = await confirmedBooking()
    provider.setMode('slow')
    try {
      expect((await cancel(id)).json()).toMatchObject({ status: 'cancelled', refundStatus: 'pending' })
    } finally {
      provider.setMode('ok')
    }
    await vi.waitFor(async () => expect((await readBooking(id)).refundStatus).toBe('refunded'), {
      timeout: 10_000,
    })
    // The timed-out attempts reached the provider too; the key made them one refund.
    expect(provider.refundsFor(paymentIntent)).toHaveLength(1)
  })

  it('the provider down: the breaker opens, cancellations are still recorded, refunds settle after recovery', async () => {
    const paid = await Promise.all([1, 2, 3, 4].map(() => confirmedBooking()))
    provider.setMode('fail')
    try {
      for (const { id } of paid.slice(0, 2)) {
        expect((await cancel(id)).json()).toMatchObject({ status: 'cancelled', refundStatus: 'pending' })
      }
      // Five failed attempts opened the circuit: the next cancellations do not reach the provider at all.
      const callsWhenOpen = provider.calls
      for (const { id } of paid.slice(2)) {
        expect((await cancel(id)).json()).toMatchObject({ status: 'cancelled', refundStatus: 'pending' })
      }
      expect(provider.calls).toBe(callsWhenOpen)
      for (const { id } of paid) expect((await readBooking(id)).refundStatus).toBe('pending')
    } finally {
      provider.setMode('ok')
    }
    // After halfOpenAfterMs one trial call closes the circuit and the sweep settles every pending refund.
    await vi.waitFor(
      async () => {
        for (const { id } of paid) expect((await readBooking(id)).refundStatus).toBe('refunded')
      },
      { timeout: 15_000, interval: 200 },
    )
    for (const { paymentIntent } of paid) expect(provider.refundsFor(paymentIntent)).toHaveLength(1)
  })
})
