import type { WebhookEvent } from '@shipshape/webhooks'
import { sentEmails } from './db/schema.ts'

type BookingEvent = { type?: unknown; bookingId?: unknown; ownerId?: unknown; startsAt?: unknown }

const SUBJECTS: Record<string, string> = {
  'booking.held': 'Your booking is held: pay to confirm it',
  'booking.confirmed': 'Your booking is confirmed',
  'booking.cancelled': 'Your booking is cancelled',
}

/**
 * Handles one verified delivery to POST /webhooks/<source>, exactly once: @shipshape/webhooks has checked
 * the signature and recorded the delivery id, and calls this in the same transaction as that record.
 * `bookings` deliveries are booking events (the delivery id is the event id): each sends one (fake) e-mail,
 * stored in `sent_emails` in the same transaction, so a redelivery, or a failure here, never sends it twice.
 */
export async function handleWebhook(event: WebhookEvent): Promise<void> {
  if (event.source !== 'bookings') return
  const payload = event.payload as BookingEvent
  const subject = typeof payload.type === 'string' ? SUBJECTS[payload.type] : undefined
  if (!subject || typeof payload.bookingId !== 'string' || typeof payload.ownerId !== 'string') return
  await event.tx
    .insert(sentEmails)
    .values({
      eventId: event.id,
      bookingId: payload.bookingId,
      recipientId: payload.ownerId,
      subject,
      body: `${subject} (booking ${payload.bookingId}, from ${String(payload.startsAt)}).`,
    })
    .onConflictDoNothing()
}
