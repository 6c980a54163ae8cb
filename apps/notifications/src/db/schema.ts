import { users } from '@shipshape/auth/schema'
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

// The building blocks' tables, re-exported so that drizzle-kit writes their migrations with this service's.
export { refreshTokens, sessions, users } from '@shipshape/auth/schema'
export { idempotencyKeys } from '@shipshape/idempotency/schema'
export { webhookDeliveries } from '@shipshape/webhooks/schema'

/**
 * The sample resource, owned by the user who created it. Timestamps keep millisecond precision so that a
 * cursor built from a JavaScript Date points exactly at a row; a user's list reads the (owner_id,
 * created_at, id) index backwards, newest first.
 */
export const preferences = pgTable(
  'preferences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [index('preferences_owner_created_at_id_idx').on(table.ownerId, table.createdAt, table.id)],
)

/**
 * The (fake) e-mails this service sent, one per booking event: `event_id` is the event's id in the bookings
 * outbox (the webhook id it arrives with), unique, so an event delivered twice sends one e-mail. Inserted in
 * the transaction that records the delivery (src/webhooks.ts).
 */
export const sentEmails = pgTable('sent_emails', {
  eventId: uuid('event_id').primaryKey(),
  bookingId: uuid('booking_id').notNull(),
  recipientId: uuid('recipient_id').notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  sentAt: timestamp('sent_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
})
