import { ProblemError } from '@shipshape/server'
import type { WebhookTransaction } from '@shipshape/webhooks'
import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { bookings } from '../db/schema.ts'
import { recordBookingEvent } from './events.ts'

// The booking's life, one way only:
//
//   held ──payment──▶ confirmed ──cancel──▶ cancelled (refund pending → refunded)
//     │ └─cancel──▶ cancelled
//     └─hold runs out──▶ expired
//
// Each arrow is one UPDATE whose WHERE names the states it may leave, so whatever order events arrive in,
// however often, and whichever request races which, a row only ever moves forward. A payment that arrives for
// a booking already cancelled or expired does not revive it: it is recorded and marked for refund.

type PaymentEvent = { type: string; paymentIntentId: string; bookingId: string | undefined }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The fields this service reads from a Stripe event, or undefined for an event it does not act on. */
export function readPaymentEvent(payload: unknown): PaymentEvent | undefined {
  const event = payload as {
    type?: unknown
    data?: { object?: { id?: unknown; payment_intent?: unknown; metadata?: { booking_id?: unknown } } }
  }
  const object = event?.data?.object
  if (typeof event?.type !== 'string' || typeof object !== 'object' || object === null) return undefined
  const paymentIntentId = event.type === 'charge.refunded' ? object.payment_intent : (object.id ?? undefined)
  if (typeof paymentIntentId !== 'string' || paymentIntentId.length === 0) return undefined
  const bookingId = object.metadata?.booking_id
  return {
    type: event.type,
    paymentIntentId,
    bookingId: typeof bookingId === 'string' && UUID.test(bookingId) ? bookingId : undefined,
  }
}

/**
 * The booking a payment names is not there (yet): the provider can deliver the event before the request that
 * created the booking has committed. 409 rolls the delivery back, so the provider delivers it again later
 * and it applies then.
 */
const bookingNotReady = () =>
  new ProblemError({
    status: 409,
    code: 'booking_not_ready',
    detail: 'The booking this payment is for does not exist yet; deliver the event again later.',
  })

/** Applies a `payment_intent.succeeded` for a booking, in the webhook's transaction. */
async function applyPayment(tx: WebhookTransaction, bookingId: string, paymentIntentId: string) {
  const confirmed = await tx
    .update(bookings)
    .set({ status: 'confirmed', paymentIntentId, updatedAt: sql`now()` })
    .where(and(eq(bookings.id, bookingId), eq(bookings.status, 'held')))
    .returning()
  const [row] = confirmed
  if (row) {
    await recordBookingEvent(tx, 'booking.confirmed', row)
    return 'confirmed'
  }
  // Paid too late (cancelled or expired first): keep it that way and owe the money back.
  const owed = await tx
    .update(bookings)
    .set({ paymentIntentId, refundStatus: 'pending', updatedAt: sql`now()` })
    .where(
      and(
        eq(bookings.id, bookingId),
        inArray(bookings.status, ['cancelled', 'expired']),
        isNull(bookings.paymentIntentId),
      ),
    )
    .returning({ id: bookings.id })
  if (owed.length > 0) return 'refund_owed'
  const [existing] = await tx.select({ id: bookings.id }).from(bookings).where(eq(bookings.id, bookingId))
  if (!existing) throw bookingNotReady()
  return 'already_applied'
}

/**
 * Handles one verified Stripe event (exactly once per event id: @shipshape/webhooks records it in `tx`).
 * Returns what it did, for the log.
 */
export async function handlePaymentEvent(tx: WebhookTransaction, payload: unknown): Promise<string> {
  const event = readPaymentEvent(payload)
  if (!event) return 'ignored'
  if (event.type === 'payment_intent.succeeded') {
    // A payment without a booking id is not one this service asked for: nothing to retry.
    return event.bookingId ? applyPayment(tx, event.bookingId, event.paymentIntentId) : 'ignored'
  }
  if (event.type === 'charge.refunded') {
    // The provider's own word that the money went back: settles a refund still pending here.
    const settled = await tx
      .update(bookings)
      .set({ refundStatus: 'refunded', updatedAt: sql`now()` })
      .where(and(eq(bookings.paymentIntentId, event.paymentIntentId), eq(bookings.refundStatus, 'pending')))
      .returning({ id: bookings.id })
    return settled.length > 0 ? 'refunded' : 'already_applied'
  }
  return 'ignored'
}
