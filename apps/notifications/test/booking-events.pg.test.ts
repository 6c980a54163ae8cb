import { randomUUID } from 'node:crypto'
import { signStandardWebhook } from '@shipshape/webhooks'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { sentEmails } from '../src/db/schema.ts'
import { setupService, webhookSecret } from './setup.ts'

// Booking events from the bookings outbox, as pg-boss delivers them there (at least once, signed as
// Standard Webhooks with the event id as webhook-id): each sends exactly one e-mail, and only bookings,
// holding the shared secret, can make this service send anything.
const bookingsSecret = `whsec_${Buffer.from(randomUUID()).toString('base64')}`
const service = await setupService({ env: { BOOKINGS_WEBHOOK_SECRET: bookingsSecret } })
const { app, db } = service

function bookingEvent(type = 'booking.confirmed') {
  const eventId = randomUUID()
  return {
    eventId,
    body: JSON.stringify({
      type,
      bookingId: randomUUID(),
      ownerId: randomUUID(),
      startsAt: '2030-01-07T10:00:00.000Z',
    }),
  }
}

function deliver(event: { eventId: string; body: string }, secret = bookingsSecret) {
  const timestampSeconds = Math.floor(Date.now() / 1000)
  return app.inject({
    method: 'POST',
    url: '/webhooks/bookings',
    headers: {
      'content-type': 'application/json',
      'webhook-id': event.eventId,
      'webhook-timestamp': String(timestampSeconds),
      'webhook-signature': signStandardWebhook({
        id: event.eventId,
        timestampSeconds,
        body: event.body,
        secret,
      }),
    },
    payload: event.body,
  })
}

const emailsFor = (eventId: string) => db.select().from(sentEmails).where(eq(sentEmails.eventId, eventId))

describe('POST /webhooks/bookings', () => {
  it('an event sends one e-mail; the same event delivered again sends nothing more', async () => {
    const event = bookingEvent()
    expect((await deliver(event)).json()).toEqual({ received: true, duplicate: false })
    expect((await deliver(event)).json()).toEqual({ received: true, duplicate: true })
    const emails = await emailsFor(event.eventId)
    expect(emails).toHaveLength(1)
    expect(emails[0]).toMatchObject({ subject: 'Your booking is confirmed' })
  })

  it('only bookings can send: another secret, even the partner one, is 401 and sends nothing', async () => {
    for (const secret of [webhookSecret, `whsec_${Buffer.from(randomUUID()).toString('base64')}`]) {
      const event = bookingEvent()
      const refused = await deliver(event, secret)
      expect(refused.statusCode).toBe(401)
      expect(refused.json()).toMatchObject({ code: 'invalid_signature' })
      expect(await emailsFor(event.eventId)).toHaveLength(0)
    }
  })

  it('an event of a type it does not mail about is acknowledged and sends nothing', async () => {
    const event = bookingEvent('booking.rescheduled')
    expect((await deliver(event)).statusCode).toBe(200)
    expect(await emailsFor(event.eventId)).toHaveLength(0)
  })

  it('ten concurrent copies of one event (a retry racing the first attempt) send one e-mail', async () => {
    const event = bookingEvent('booking.held')
    const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(event)))
    for (const answer of answers) expect(answer.statusCode, answer.body).toBe(200)
    expect(await emailsFor(event.eventId)).toHaveLength(1)
  })
})
