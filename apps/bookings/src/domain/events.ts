import { getTraceparent } from '@shipshape/telemetry'
import { bookingEvents } from '../db/schema.ts'
import type { BookingRow } from './booking-store.ts'

export type BookingEventType = 'booking.held' | 'booking.confirmed' | 'booking.cancelled'

/** Anything that can insert: the transaction that makes the change (never a separate one). */
type Writer = {
  insert: (table: typeof bookingEvents) => {
    values: (row: typeof bookingEvents.$inferInsert) => PromiseLike<unknown>
  }
}

/**
 * Records that a booking changed, in the caller's transaction: the outbox row commits with the change or
 * not at all, so a consumer never hears of a change that was rolled back, nor misses one that committed.
 * The row carries the W3C traceparent of the active span (the request that made the change): its delivery,
 * later and from a worker, continues that trace.
 */
export async function recordBookingEvent(
  tx: Writer,
  type: BookingEventType,
  booking: BookingRow,
): Promise<void> {
  await tx.insert(bookingEvents).values({
    bookingId: booking.id,
    type,
    traceparent: getTraceparent() ?? null,
    payload: {
      type,
      bookingId: booking.id,
      ownerId: booking.ownerId,
      resourceId: booking.resourceId,
      startsAt: booking.startsAt.toISOString(),
      endsAt: booking.endsAt.toISOString(),
      status: booking.status,
    },
  })
}
